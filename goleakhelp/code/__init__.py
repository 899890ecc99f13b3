"""Go code analysis: find leak patterns in source files and pasted fragments with tree-sitter."""
