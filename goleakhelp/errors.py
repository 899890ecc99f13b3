"""The one exception the command line turns into a one-line message and an exit status."""


class UserError(Exception):
    """Bad input or usage: shown as `goleakhelp: <message>` with exit status `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
