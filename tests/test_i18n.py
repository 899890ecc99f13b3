"""The default language comes from the locale."""

from goleakhelp.i18n import detect_lang


def test_language_from_locale_variables():
    assert detect_lang({}) == "en"
    assert detect_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert detect_lang({"LANG": "en_US.UTF-8"}) == "en"
    assert detect_lang({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert detect_lang({"LANGUAGE": "en_GB:zh_CN", "LC_ALL": "zh_CN.UTF-8"}) == "en"
    assert detect_lang({"LANGUAGE": "zh_CN:en", "LANG": "C"}) == "zh"
    assert detect_lang({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
