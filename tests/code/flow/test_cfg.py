"""The control-flow graph builder, one statement kind at a time."""

from __future__ import annotations

import pytest

from goleakhelp.code.flow.cfg import MAX_NESTING, NestedTooDeeply, build_graph
from goleakhelp.code.source import parse_go
from goleakhelp.code.syntax import walk


def graph_of(body: str, signature: str = "func f(ch chan int, x interface{}, ok bool) (err error)"):
    source = parse_go(f"package p\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n\nvar _, _ = log.Println, os.Exit\n\n{signature} {{\n{body}\n}}\n", "f.go")
    assert source.error_lines == ()
    func = next(n for n in walk(source.root) if n.type == "function_declaration")
    return build_graph(func, source.node_text), source.node_text


def block_of(graph, text, wanted: str) -> int:
    """The block holding the item whose text is `wanted`."""
    found = [b.index for b in graph.blocks for item in b.items if text(item) == wanted]
    assert len(found) == 1, (wanted, found)
    return found[0]


def reaches(graph, start: int, goal: int, avoiding: frozenset[int] = frozenset()) -> bool:
    seen, stack = set(), [start]
    while stack:
        b = stack.pop()
        if b == goal:
            return True
        if b in seen or b in avoiding:
            continue
        seen.add(b)
        stack.extend(graph.blocks[b].succs)
    return False


def test_a_sequence_is_one_block_that_falls_into_the_exit():
    graph, text = graph_of("a := 1\na++\nch <- a")
    entry = graph.blocks[0]
    assert [text(i) for i in entry.items] == ["a := 1", "a++", "ch <- a"]
    assert entry.succs == [graph.exit]


def test_if_else_branches_on_its_condition_and_joins():
    graph, text = graph_of('if v, ok2 := x.(int); ok2 && v > 0 {\n\tprintln("a")\n} else {\n\tprintln("b")\n}\nprintln("c")')
    head = graph.blocks[0]
    assert [text(i) for i in head.items] == ["v, ok2 := x.(int)", "ok2 && v > 0"]
    assert text(head.cond) == "ok2 && v > 0"
    then, other = head.succs
    assert [text(i) for i in graph.blocks[then].items] == ['println("a")']
    assert [text(i) for i in graph.blocks[other].items] == ['println("b")']
    after = block_of(graph, text, 'println("c")')
    assert graph.blocks[then].succs == [after] and graph.blocks[other].succs == [after]


def test_if_without_else_goes_on_when_false():
    graph, text = graph_of('if ok {\n\treturn nil\n}\nprintln("after")')
    head = graph.blocks[0]
    then, other = head.succs
    assert graph.blocks[then].succs == [graph.exit]
    assert other == block_of(graph, text, 'println("after")')


def test_return_goes_to_the_exit_and_code_after_it_is_unreachable():
    graph, text = graph_of('return nil\nprintln("dead")')
    assert graph.blocks[0].succs == [graph.exit]
    dead = block_of(graph, text, 'println("dead")')
    assert graph.blocks[dead].kind == "unreachable"
    assert not any(dead in b.succs for b in graph.blocks)


@pytest.mark.parametrize("call", ['panic("x")', "os.Exit(1)", 'log.Fatalf("%v", 1)'])
def test_calls_that_never_return_end_the_path(call):
    graph, text = graph_of(f'if ok {{\n\t{call}\n}}\nprintln("after")')
    stop = block_of(graph, text, call)
    assert graph.blocks[stop].succs == []
    assert reaches(graph, 0, graph.exit)


def test_three_clause_for_loops_back_through_its_post_statement():
    graph, text = graph_of('for i := 0; i < 3; i++ {\n\tif ok {\n\t\tcontinue\n\t}\n\tif !ok {\n\t\tbreak\n\t}\n\tprintln(i)\n}\nprintln("done")')
    assert text(graph.blocks[0].items[0]) == "i := 0"
    head = block_of(graph, text, "i < 3")
    post = block_of(graph, text, "i++")
    done = block_of(graph, text, 'println("done")')
    assert graph.blocks[head].succs[1] == done and graph.blocks[post].succs == [head]
    cont = block_of(graph, text, "continue")
    brk = block_of(graph, text, "break")
    assert graph.blocks[cont].succs == [post] and graph.blocks[brk].succs == [done]
    assert reaches(graph, block_of(graph, text, "println(i)"), head)


def test_range_and_condition_loops_test_at_the_head():
    graph, text = graph_of("for k := range ch {\n\tprintln(k)\n}\nfor ok {\n\tok = false\n}")
    head = block_of(graph, text, "k := range ch")
    body, after = graph.blocks[head].succs
    assert reaches(graph, body, head)
    cond_head = block_of(graph, text, "ok")
    assert text(graph.blocks[cond_head].cond) == "ok"


def test_an_endless_for_is_left_only_by_break_or_return():
    graph, text = graph_of('for {\n\tif ok {\n\t\tbreak\n\t}\n}\nprintln("after")\nfor {\n}')
    after = block_of(graph, text, 'println("after")')
    brk = block_of(graph, text, "break")
    assert graph.blocks[brk].succs == [after]
    assert not reaches(graph, after, graph.exit)  # the second loop never ends


def test_labelled_break_and_continue_reach_the_outer_loop():
    graph, text = graph_of("outer:\n\tfor {\n\t\tfor k := range ch {\n\t\t\tif k == 1 {\n\t\t\t\tcontinue outer\n\t\t\t}\n\t\t\tbreak outer\n\t\t}\n\t}\n\tprintln(\"out\")")
    out = block_of(graph, text, 'println("out")')
    assert graph.blocks[block_of(graph, text, "break outer")].succs == [out]
    target = graph.blocks[block_of(graph, text, "continue outer")].succs[0]
    assert graph.blocks[target].kind == "for.head"


def test_goto_jumps_to_its_label():
    graph, text = graph_of('if ok {\n\tgoto end\n}\nprintln("skipped")\nend:\nprintln("end")')
    jump = block_of(graph, text, "goto end")
    (target,) = graph.blocks[jump].succs
    assert graph.blocks[target].kind == "label.end"
    assert reaches(graph, target, block_of(graph, text, 'println("end")'))


def test_tagless_switch_tests_its_cases_in_order_with_fallthrough_and_default():
    graph, text = graph_of('switch {\ncase err != nil:\n\tprintln("a")\n\tfallthrough\ncase ok:\n\tprintln("b")\ndefault:\n\tprintln("c")\n}\nprintln("d")')
    first = block_of(graph, text, "err != nil")
    assert text(graph.blocks[first].cond) == "err != nil"
    a = graph.blocks[first].succs[0]
    b = block_of(graph, text, 'println("b")')
    fall = block_of(graph, text, "fallthrough")
    assert a == fall and graph.blocks[fall].succs == [b]
    second = block_of(graph, text, "ok")
    default = block_of(graph, text, 'println("c")')
    assert graph.blocks[second].succs == [b, graph.blocks[second].succs[1]]
    assert graph.blocks[graph.blocks[second].succs[1]].succs == [default]
    d = block_of(graph, text, 'println("d")')
    assert graph.blocks[default].succs == [d] and graph.blocks[b].succs == [d]


def test_type_switch_has_an_edge_to_each_case():
    graph, text = graph_of('switch t := x.(type) {\ncase int:\n\tprintln(t)\ncase string:\n\treturn nil\n}\nprintln("after")')
    assert reaches(graph, 0, block_of(graph, text, "println(t)"))
    ret = block_of(graph, text, "return nil")
    assert graph.blocks[ret].succs == [graph.exit]
    assert reaches(graph, 0, block_of(graph, text, 'println("after")'), avoiding=frozenset({ret}))


def test_select_has_an_edge_per_case_and_default_and_an_empty_select_never_ends():
    graph, text = graph_of('select {\ncase v := <-ch:\n\tprintln(v)\ncase ch <- 1:\n\treturn nil\ndefault:\n}\nselect {}\nprintln("never")')
    head = graph.blocks[0]
    assert len(head.succs) == 3
    recv = block_of(graph, text, "v := <-ch")
    assert recv in head.succs
    never = block_of(graph, text, 'println("never")')
    assert graph.blocks[never].kind == "unreachable"
    assert not reaches(graph, recv, graph.exit)  # only the return case leaves: the rest meets `select {}`
    assert graph.blocks[block_of(graph, text, "return nil")].succs == [graph.exit]


def test_defers_are_listed_in_order_and_stay_in_their_blocks():
    graph, text = graph_of("defer println(1)\nif ok {\n\tdefer func() { println(2) }()\n}")
    assert [text(d) for d in graph.defers] == ["defer println(1)", "defer func() { println(2) }()"]
    assert block_of(graph, text, "defer println(1)") == 0


def test_a_func_literal_is_one_item_of_the_enclosing_graph_and_has_its_own():
    graph, text = graph_of("f := func() {\n\tif ok {\n\t\treturn\n\t}\n}\nf()")
    assert [text(i).split("\n")[0] for i in graph.blocks[0].items] == ["f := func() {", "f()"]
    literal = next(n for n in walk(graph.func) if n.type == "func_literal")
    inner = build_graph(literal, text)
    assert inner.blocks[0].cond is not None


def test_locate_finds_the_item_of_a_node_inside_it():
    graph, text = graph_of("a := len(ch)\nif a > 0 {\n\tprintln(a)\n}")
    call = next(n for n in walk(graph.func) if n.type == "call_expression" and text(n) == "println(a)")
    block, position = graph.locate(call)
    assert text(graph.blocks[block].items[position]) == "println(a)"


def test_nesting_beyond_the_bound_raises_instead_of_recursing():
    depth = MAX_NESTING + 10
    graph_of("if ok {\n" * (MAX_NESTING // 2) + "}\n" * (MAX_NESTING // 2))
    with pytest.raises(NestedTooDeeply):
        graph_of("if ok {\n" * depth + "}\n" * depth)
