"""Hostile shapes stay cheap: where a bound is hit, the report says what was left out."""

from __future__ import annotations

from goleakhelp.code.analyze import MAX_TREE_DEPTH, analyze_stdin

LEAKY = 'func leaky(p string) {\n\tf, _ := os.Open(p)\n\t_ = f\n}\n'


def report(text: str):
    return analyze_stdin(text.encode(), (1, 21))


def test_thousands_of_nested_ifs_are_reported_as_not_analysed():
    depth = 2000
    deep = "func deep(x int) {\n" + "if x > 0 {\n" * depth + "x++\n" + "}\n" * depth + "}\n"
    result = report('package p\n\nimport "os"\n\n' + deep + LEAKY)
    assert [(limit.line, "deep" in limit.reason) for limit in result.limits] == [(5, True)]
    assert str(MAX_TREE_DEPTH) in result.limits[0].reason
    # The rest of the file is still analysed.
    assert [f.id for f in result.findings] == ["file-unclosed"]


def test_nested_braces_and_func_literals_are_reported_as_not_analysed():
    braces = "func g() {\n" + "{" * 2000 + "}" * 2000 + "\n}\n"
    literals = "func h() {\n" + "func() {\n" * 600 + 'f, _ := os.Open("a")\n_ = f\n' + "}()\n" * 600 + "}\n"
    result = report('package p\n\nimport "os"\n\n' + braces + literals)
    assert [limit.line for limit in result.limits] == [5, 8]


def test_a_200_kb_line_is_analysed_and_quoted_in_part():
    statements = 'f, _ = os.Open("a"); f.Close(); ' * 6500
    result = report('package p\n\nimport "os"\n\nfunc long() { var f *os.File; ' + statements + 'g, _ := os.Open("b"); _ = g }\n')
    assert len(statements) > 200_000
    assert [f.id for f in result.findings] == ["file-unclosed"]
    assert len(result.findings[0].code) < 300 and "g, _ := os.Open" in result.findings[0].code


def test_a_function_with_thousands_of_resources_stops_at_its_walk_budget():
    opens = "".join(f'\tf{i}, _ := os.Open("a")\n\t_ = f{i}\n' for i in range(3000))
    result = report('package p\n\nimport "os"\n\nfunc many() {\n' + opens + "}\n")
    assert [(limit.line, "too many values" in limit.reason) for limit in result.limits] == [(5, True)]
    assert result.findings  # what was followed before the budget ran out is still reported


def test_thousands_of_functions_are_each_analysed():
    # Per-function lookups go by bisection; filtering file-wide lists per function made
    # this shape quadratic (12,000 such functions took over two minutes).
    functions = "".join(f"func f{i}(p string) {{\n\tf, _ := os.Open(p)\n\t_ = f\n}}\n\n" for i in range(3000))
    result = report('package p\n\nimport "os"\n\n' + functions)
    assert len([f for f in result.findings if f.id == "file-unclosed"]) == 3000 and result.limits == []


def test_a_file_of_loose_pieces_is_reported_as_not_parsing():
    # 20,000 `func() {` never closed, then an expression nested 50,000 calls deep and never
    # closed: tree-sitter leaves hundreds of thousands of loose pieces at the top level,
    # where each walk up the tree passed over all of them (a mutated KB example took 90 s).
    text = 'package p\n\nimport "os"\n\n' + LEAKY + "func() {\n" * 20_000 + "_ = check(" + "f(" * 50_000 + "x)\n"
    result = report(text)
    assert [(limit.line, "does not parse as Go" in limit.reason) for limit in result.limits] == [(1, True)]
    assert result.findings == []


def test_a_broken_file_with_a_few_loose_pieces_is_still_analysed():
    text = 'package p\n\nimport "os"\n\n' + LEAKY + "func broken( {\n\tx := \n}\n" * 20
    result = report(text)
    assert result.limits == [] and [f.id for f in result.findings] == ["file-unclosed"]


def test_a_cond_beside_a_call_of_30_000_arguments_is_found_in_linear_time():
    # The cond detector once took the text of every name's parent node: for each of the
    # 30,000 names in one argument list, that was the whole list again.
    call = "use(" + "x, " * 30_000 + "x)"
    text = 'package p\n\nimport "sync"\n\ntype q struct{ c *sync.Cond }\n\nfunc use(...int) {}\n\nfunc (s *q) get(x int) {\n\ts.c.Wait()\n\t' + call + "\n}\n"
    result = report(text)
    assert result.limits == [] and [(f.id, f.line) for f in result.findings] == [("cond-no-signal", 10)]


def test_thousands_of_defers_in_one_loop_are_each_reported():
    # Each defer once walked all the statements after it (and tree-sitter's step to the
    # next sibling is itself a walk): 25,000 such lines took nine minutes in `explain`.
    defers = '\t\tf, _ := os.Open("a")\n\t\tdefer f.Close()\n' * 3000
    text = 'package p\n\nimport "os"\n\nfunc many() {\n\tfor i := 0; i < 3; i++ {\n' + defers + "\t}\n}\n"
    result = report(text)
    assert len([f for f in result.findings if f.id == "defer-in-loop"]) == 3000


def test_a_defer_followed_only_by_straight_statements_and_break_is_not_a_loop_leak():
    loop = 'for _, p := range paths {\n\tf, err := os.Open(p)\n\tif err != nil {\n\t\tcontinue\n\t}\n\tdefer f.Close()\n\tn++\n\tbreak\n}\n'
    text = 'package p\n\nimport "os"\n\nfunc first(paths []string) (n int) {\n' + loop + "\treturn n\n}\n"
    assert [f.id for f in report(text).findings if f.id == "defer-in-loop"] == []
    assert [f.id for f in report(text.replace("\tbreak\n", "")).findings if f.id == "defer-in-loop"] == ["defer-in-loop"]


def test_deep_literals_around_a_stray_bracket_are_reported_as_not_analysed():
    # 6 KB: 500 func literals nested in one another, with one unmatched `[` (from an escape
    # sequence) in the middle. The quick bracket-depth check paired brackets only, so it
    # missed the nesting, and the closure detector walked up from each literal (9 s).
    nested = "func() {\n" * 500 + "\x1b[2J\n" + "}()\n" * 500
    text = 'package p\n\nimport "os"\n\n' + LEAKY + "func nested() {\n" + nested + "}\n"
    result = report(text)
    assert [(limit.line, "deep" in limit.reason) for limit in result.limits] == [(9, True)]
    assert [f.id for f in result.findings] == ["file-unclosed"]
