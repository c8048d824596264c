"""ProbLog's library(lists): problogic/grounding/library/lists.pl and the list builtins.

Each case is a goal and a template; the program ``q(Template) :- Goal. query(q(_)).`` must
have the answers listed (those ProbLog finds with probability 1). The expected answers of
SAME_AS_PROBLOG were computed with ProbLog 2.3 (``test_expectations_are_problogs`` checks them
again when problog is installed). SWI_SEMANTICS are cases where ProbLog's own library loops,
raises or returns garbage (see library/NOTES.md); there we give SWI-Prolog's answers.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

import problogic


def program(goal: str, template: str | None) -> str:
    head = "q" if template is None else f"q({template})"
    query = "q" if template is None else "q(_)"
    return f":- use_module(library(lists)).\n{head} :- {goal}.\nquery({query}).\n"


def true_answers(result: dict[str, float]) -> list[str]:
    return sorted(key for key, p in result.items() if p > 0.5)


YES, NO = ["q"], []

# (goal, template or None for a yes/no question, answers), as ProbLog 2.3 answers.
SAME_AS_PROBLOG = [
    ("member(X,[a,b,c])", "X", ["q(a)", "q(b)", "q(c)"]),
    ("memberchk(X,[a,b])", "X", ["q(a)"]),
    ("memberchk(f(X),[f(1),f(2)])", "X", ["q(1)"]),
    ("memberchk(c,[a,b])", None, NO),
    ("append(X,[c],[a,b,c])", "X", ["q([a, b])"]),
    ("append(X,Y,[a,b])", "X-Y", ["q([]-[a, b])", "q([a, b]-[])", "q([a]-[b])"]),
    ("append([a],[b,c],L)", "L", ["q([a, b, c])"]),
    ("prefix(P,[a,b])", "P", ["q([])", "q([a, b])", "q([a])"]),
    ("select(b,[a,b,c,b],R)", "R", ["q([a, b, c])", "q([a, c, b])"]),
    ("select(X,[a,b],R)", "X-R", ["q(a-[b])", "q(b-[a])"]),
    ("select(b,L,[a,c])", "L", ["q([a, b, c])", "q([a, c, b])", "q([b, a, c])"]),
    ("selectchk(b,[a,b,c,b],R)", "R", ["q([a, c, b])"]),
    ("selectchk(z,[a,b],R)", "R", []),
    ("nextto(X,Y,[a,b,c])", "X-Y", ["q(a-b)", "q(b-c)"]),
    ("delete([a,b,a,c],a,R)", "R", ["q([b, c])"]),
    ("delete([a,f(1),f(2),b],f(_),R)", "R", ["q([a, b])"]),
    ("delete([a,B,a,c],a,R)", "R", ["q([c])"]),
    ("delete([a,b],c,R)", "R", ["q([a, b])"]),
    ("nth0(1,[a,b,c],X)", "X", ["q(b)"]),
    ("nth0(I,[a,b,c],X)", "I-X", ["q(0-a)", "q(1-b)", "q(2-c)"]),
    ("nth0(5,[a,b,c],X)", "X", []),
    ("nth0(-1,[a],X)", "X", []),
    ("nth1(2,[a,b,c],X)", "X", ["q(b)"]),
    ("nth0(1,[a,b,c],X,R)", "X-R", ["q(b-[a, c])"]),
    ("nth1(2,[a,b,c],X,R)", "X-R", ["q(b-[a, c])"]),
    ("nth0(I,[a,b],X,R)", "I-X-R", ["q(0-a-[b])", "q(1-b-[a])"]),
    ("last([a,b,c],X)", "X", ["q(c)"]),
    ("last([],X)", "X", []),
    ("proper_length([a,b],N)", "N", ["q(2)"]),
    ("same_length([a,b],[c,d])", None, YES),
    ("same_length([a,b],[c])", None, NO),
    ("reverse([a,b,c],R)", "R", ["q([c, b, a])"]),
    ("reverse([],R)", "R", ["q([])"]),
    ("permutation([a,b,c],P)", "P", ["q([a, b, c])", "q([a, c, b])", "q([b, a, c])",
                                      "q([b, c, a])", "q([c, a, b])", "q([c, b, a])"]),
    ("flatten([a,[b,[c,d],[]],e],F)", "F", ["q([a, b, c, d, e])"]),
    ("flatten(a,F)", "F", ["q([a])"]),
    ("flatten([],F)", "F", ["q([])"]),
    ("sum_list([1,2.5,3],S)", "S", ["q(6.5)"]),
    ("sum_list([],S)", "S", ["q(0)"]),
    ("sum_list([1,2],S)", "S", ["q(3)"]),
    ("sum_list([1,2.0],S)", "S", ["q(3.0)"]),
    ("max_list([1,5,3],S)", "S", ["q(5)"]),
    ("min_list([4,1,5,3],S)", "S", ["q(1)"]),
    ("max_list([],S)", "S", []),
    ("max_list([1,5.0,5],S)", "S", ["q(5)"]),
    ("max_list([1,5,5.0],S)", "S", ["q(5.0)"]),
    ("min_list([2,1.0,1],S)", "S", ["q(1)"]),
    ("max_list([a],S)", "S", ["q(a)"]),
    ("numlist(1,5,L)", "L", ["q([1, 2, 3, 4, 5])"]),
    ("numlist(5,1,L)", "L", []),
    ("numlist(3,3,L)", "L", ["q([3])"]),
    ("is_set([a,b])", None, YES),
    ("is_set([a,b,a])", None, NO),
    ("is_set([1,1.0])", None, YES),
    ("list_to_set([a,b,a,c,b],S)", "S", ["q([a, b, c])"]),
    ("intersection([a,b,c,a],[c,a],I)", "I", ["q([a, c, a])"]),
    ("intersection([a,B],[c,a],I)", "B-I", ["q(c-[a, c])"]),
    ("union([a,b],[b,c],U)", "U", ["q([a, b, c])"]),
    ("union([a,B],[c],U)", "B-U", ["q(c-[a, c])"]),
    ("subset([a,b],[b,c,a])", None, YES),
    ("subset([a,d],[b,c,a])", None, NO),
    ("subset([],[b])", None, YES),
    ("subtract([a,b,c,a],[a],R)", "R", ["q([b, c])"]),
    ("subtract([a,B],[a],R)", "B-R", ["q(a-[])"]),
    ("enum_groups([a-1,b-2,a-3],G,V)", "G-V", ["q(a-[1, 3])", "q(b-[2])"]),
    ("enum_groups([a,b,a],[1,2,3],G,V)", "G-V", ["q(a-[1, 3])", "q(b-[2])"]),
    # ProbLog's argument order (the list first)
    ("max_member([b,a,f(x),3],M)", "M", ["q(f(x))"]),
    ("max_member([3,1,4],M)", "M", ["q(4)"]),
    ("max_member([],M)", "M", []),
    # the deterministic predicates have exactly one answer
    ("findall(X,memberchk(X,[a,b,a]),L)", "L", ["q([a])"]),
    ("findall(R,selectchk(b,[a,b,c,b],R),L)", "L", ["q([[a, c, b]])"]),
    ("findall(S,union([a,b],[b,c],S),L)", "L", ["q([[a, b, c]])"]),
    ("findall(S,subtract([a,b,c],[b],S),L)", "L", ["q([[a, c]])"]),
    ("findall(S,intersection([a,b,c],[c,b],S),L)", "L", ["q([[b, c]])"]),
    ("findall(R,delete([a,b,a],a,R),L)", "L", ["q([[b]])"]),
]

# Where ProbLog's library loops (max_member in SWI-Prolog's argument order, append/2, flatten
# with a variable), gives the largest element (min_member), raises
# (nth1/3 with an unbound index, nth0/4 and nth1/4 inserting, proper_length of a partial list)
# or answers wrongly (select/4, selectchk/4, list_to_set with variables): SWI-Prolog's answers.
SWI_SEMANTICS = [
    # each element in the list's order, as often as it occurs (ProbLog: [a, a, b])
    ("findall(X,member(X,[a,b,a]),L)", "L", ["q([a, b, a])"]),
    ("findall(X,(member(X,[3,1,2,3]),X>1),L)", "L", ["q([3, 2, 3])"]),
    # the builtins for proper lists, where the other list is partial
    ("findall(X-Y,append(X,Y,[a,b]),L)", "L", ["q([[]-[a, b], [a]-[b], [a, b]-[]])"]),
    ("append([a|X],Y,[a,b])", "X-Y", ["q([]-[b])", "q([b]-[])"]),
    ("reverse(R,[a,b,c])", "R", ["q([c, b, a])"]),
    ("reverse([c|R],[a,b,c])", "R", ["q([b, a])"]),
    ("reverse([x|R],[a,b])", "R", []),
    ("select(b,[a,b,c,b],x,R)", "R", ["q([a, b, c, x])", "q([a, x, c, b])"]),
    ("select(X,[a,b],x,R)", "X-R", ["q(a-[x, b])", "q(b-[a, x])"]),
    ("selectchk(b,[a,b,c,b],x,R)", "R", ["q([a, x, c, b])"]),
    ("selectchk(b,L,[a,c])", "L", ["q([b, a, c])"]),
    ("nth1(I,[a,b,c],X)", "I-X", ["q(1-a)", "q(2-b)", "q(3-c)"]),
    ("nth1(1,L,x,[a,b])", "L", ["q([x, a, b])"]),
    ("nth0(1,L,x,[a,b])", "L", ["q([a, x, b])"]),
    ("nth0(I,L,x,[a,b])", "I-L", ["q(0-[x, a, b])", "q(1-[a, x, b])", "q(2-[a, b, x])"]),
    ("max_member(M,[b,a,f(x),3])", "M", ["q(f(x))"]),
    ("min_member(M,[b,a,f(x),3])", "M", ["q(3)"]),
    ("max_member(M,[1,3,2])", "M", ["q(3)"]),
    ("max_member(M,[1,1.0])", "M", ["q(1)"]),
    ("min_member([3,1,4],M)", "M", ["q(1)"]),  # ProbLog: 4
    ("max_member(M,L)", "M", []),  # no list: no answer (it ran out of memory)
    ("max_member(M,[])", "M", []),
    ("append([[a],[b,c],[]],L)", "L", ["q([a, b, c])"]),
    ("list_to_set([a,B,a],S),S=[a,C],C==B", None, YES),
    ("flatten([a,[X]],F),F=[a,Y],Y==X", None, YES),
    ("proper_length([a|T],N)", "N", []),
    ("permutation(L,[a,b])", "L", ["q([a, b])", "q([b, a])"]),
    ("memberchk(a,L),L=[b|_]", None, NO),
    ("last([a],X)", "X", ["q(a)"]),
    ("sumlist([1,2],S)", "S", ["q(3)"]),
]

# Differences that come from the engine, not from the library.
ENGINE_DIFFERENCES = [
    ("list_to_set([1,1.0,1],S)", "S", ["q([1, 1.0])"]),
    # one solution per proof, as in Prolog
    ("findall(X-Y,(member(X,[a,a]),member(Y,[b,c])),L),length(L,N)", "N", ["q(4)"]),
]


def without_marks(cases):
    """The cases of a parameter list, with the xfail marks (which are about us) removed."""
    return [getattr(case, "values", case) for case in cases]


def _ids(case):
    return case if isinstance(case, str) and "(" in case else None


@pytest.mark.parametrize("goal, template, expected", SAME_AS_PROBLOG + SWI_SEMANTICS +
                         ENGINE_DIFFERENCES, ids=_ids)
def test_answers(goal, template, expected):
    assert true_answers(problogic.evaluate(program(goal, template))) == expected


@pytest.mark.parametrize("goal, template, expected",
                         SAME_AS_PROBLOG + without_marks(ENGINE_DIFFERENCES), ids=_ids)
def test_expectations_are_problogs(goal, template, expected):
    pytest.importorskip("problog")
    from oracle import problog_marginals

    assert true_answers(problog_marginals(program(goal, template))) == expected


# -- probabilistic programs -------------------------------------------------------------------

# (program, ProbLog's marginals, leaving out the answers it lists with probability 0)
PROBABILISTIC = [
    ("0.3::in(a). 0.6::in(b). p :- member(X,[a,b,c]), in(X). query(p).", {"p": 0.72}),
    ("0.5::w(1); 0.5::w(3). p(M) :- w(X), max_list([2,X],M). query(p(_)).",
     {"p(2)": 0.5, "p(3)": 0.5}),
    ("0.4::f(1). 0.7::f(2). p(S) :- findall(X, f(X), L), sum_list(L, S). query(p(_)).",
     {"p(0)": 0.18, "p(1)": 0.12, "p(2)": 0.42, "p(3)": 0.28}),
    ("0.5::c(a). 0.5::c(b). p(L) :- findall(X, c(X), L0), reverse(L0, L), L \\= []. "
     "query(p(_)).", {"p([a])": 0.25, "p([b])": 0.25, "p([b, a])": 0.25}),
    # select_weighted/5 and select_uniform/4 (builtins)
    ("q(X,R) :- select_weighted(id, [1,2,3], [a,b,c], X, R). query(q(_,_)).",
     {"q(a,[b, c])": 1 / 6, "q(b,[a, c])": 1 / 3, "q(c,[a, b])": 0.5}),
    ("q(X,R) :- select_uniform(u, [a,b,c], X, R). query(q(_,_)).",
     {"q(a,[b, c])": 1 / 3, "q(b,[a, c])": 1 / 3, "q(c,[a, b])": 1 / 3}),
    ("q(X) :- select_uniform(u, [a,a,b], X, _). query(q(_)).", {"q(a)": 2 / 3, "q(b)": 1 / 3}),
    ("q(X) :- select_weighted(w, [0,1,0], [a,b,c], X, _). query(q(_)).", {"q(b)": 1.0}),
    ("q(X) :- select_weighted(w, [0.5,0.5], [a,b], X, _). query(q(_)).",
     {"q(a)": 0.5, "q(b)": 0.5}),
    # the same identifier and lists: one choice; anything else differing: independent
    ("q :- select_weighted(id,[1,1],[a,b],a,_), select_weighted(id,[1,1],[a,b],b,_). query(q).",
     {"q": 0.0}),
    ("q :- select_weighted(w,[1,1,1],[a,b,c],X,_), select_weighted(w,[1,1,1],[a,b,c],Y,_), "
     "X \\= Y. query(q).", {"q": 0.0}),
    ("q :- select_weighted(id,[1,1],[a,b],a,_), select_weighted(id,[2,2],[a,b],a,_). query(q).",
     {"q": 0.25}),
    ("q :- select_weighted(id,[1,1],[a,b],a,_), select_weighted(id,[1,1],[a,c],a,_). query(q).",
     {"q": 0.25}),
    ("q :- select_weighted(id,[1,1],[a,b],a,_), select_weighted(id2,[1,1],[a,b],a,_). "
     "query(q).", {"q": 0.25}),
    ("q(X) :- select_uniform(u1,[a,b],X,_), select_uniform(u1,[a,b,c],Y,_), X = Y. "
     "query(q(_)).", {"q(a)": 1 / 6, "q(b)": 1 / 6}),
    # ProbLog's select_uniform uses the weights 1/N: a different choice from weights [1,1].
    ("q :- select_uniform(u,[a,b],a,_), select_weighted(u,[1,1],[a,b],a,_). query(q).",
     {"q": 0.25}),
    # One probabilistic fact per position, keyed by the remaining suffix: calls whose lists
    # share a suffix share those choices.
    ("q(X) :- select_weighted(w,[1,1],[a,b],X,_), select_weighted(w,[2,1,1],[z,a,b],Y,_), "
     "X = Y. query(q(_)).", {"q(a)": 0.25, "q(b)": 0.25}),
    # select_weighted/4 takes (Weight, Value) pairs.
    ("q(X,R) :- select_weighted(w4, [(1,a), (3,b)], X, R). query(q(_,_)).",
     {"q(a,[b])": 0.25, "q(b,[a])": 0.75}),
]


def assert_marginals(result: dict[str, float], expected: dict[str, float]) -> None:
    """The expected marginals (an absent key counts as 0) and no other non-zero answer."""
    for key, p in expected.items():
        assert result.get(key, 0.0) == pytest.approx(p, abs=1e-6), key
    assert {k for k, p in result.items() if p > 1e-12} <= expected.keys()


@pytest.mark.parametrize("source, expected", PROBABILISTIC)
def test_probabilistic(source, expected):
    assert_marginals(problogic.evaluate(source), expected)


@pytest.mark.parametrize("source, expected", without_marks(PROBABILISTIC))
def test_probabilistic_expectations_are_problogs(source, expected):
    pytest.importorskip("problog")
    from oracle import problog_marginals

    result = problog_marginals(":- use_module(library(lists)).\n" + source)
    assert_marginals(result, expected)


# -- the library file itself ------------------------------------------------------------------

PROBLOG_EXPORTS = {
    ("memberchk", 2), ("member", 2), ("append", 3), ("append", 2), ("prefix", 2),
    ("select", 3), ("selectchk", 3), ("select", 4), ("selectchk", 4), ("nextto", 3),
    ("delete", 3), ("nth0", 3), ("nth1", 3), ("nth0", 4), ("nth1", 4), ("last", 2),
    ("proper_length", 2), ("same_length", 2), ("reverse", 2), ("permutation", 2),
    ("flatten", 2), ("max_member", 2), ("min_member", 2), ("sum_list", 2), ("max_list", 2),
    ("min_list", 2), ("numlist", 3), ("is_set", 1), ("list_to_set", 2), ("intersection", 3),
    ("union", 3), ("subset", 2), ("subtract", 3), ("enum_groups", 3), ("enum_groups", 4),
    ("select_uniform", 4), ("select_weighted", 5), ("select_weighted", 4),
}
BUILTIN_EXPORTS = {("select_uniform", 4), ("select_weighted", 5), ("select_weighted", 4),
                   ("member", 2)}
EXTRAS = {("sumlist", 2)}


def _library_program():
    from problogic.language.parser import parse_program

    text = resources.files("problogic.grounding.library").joinpath("lists.pl").read_text()
    return text, parse_program(text, "lists.pl")


def test_library_defines_problogs_exports():
    _, parsed = _library_program()
    public = {c.head.signature for c in parsed.clauses if not c.head.functor.startswith("$")}
    assert public == (PROBLOG_EXPORTS - BUILTIN_EXPORTS) | EXTRAS
    from problogic.grounding.builtins import BUILTINS

    for signature in BUILTIN_EXPORTS:
        assert signature in BUILTINS
    # a library clause would replace the builtin of the same name
    assert not public & set(BUILTINS)


def test_library_helpers_are_all_defined_and_plain():
    text, parsed = _library_program()
    defined = {c.head.signature for c in parsed.clauses}
    assert all(not hasattr(c, "heads") for c in parsed.clauses)  # no probabilistic clauses
    called = set(re.findall(r"'(\$lists_\w+)'\(", text))
    from problogic.grounding.builtins import BUILTINS

    native = {name for name, _ in BUILTINS if name.startswith("$lists_")}
    assert native == {"$lists_append", "$lists_reverse", "$lists_numlist", "$lists_memberchk",
                      "$lists_memberchk_eq", "$lists_nth", "$lists_nth_enum", "$lists_last",
                      "$lists_sum", "$lists_max_list", "$lists_min_list"}
    assert called - native <= {name for name, _ in defined}
    # each builtin but numlist's (whose bounds numlist/3 checks) has clauses for partial lists
    opened = {name[:-len("_open")] for name, _ in defined if name.endswith("_open")}
    assert native - opened == {"$lists_numlist"}
    assert "!" not in re.sub(r"%.*", "", text)  # no cut


def test_a_program_redefining_append3_keeps_append2_working():
    source = ("append(_, _, nothing). q(L) :- append([[a],[b]], L). query(q(_)).")
    assert problogic.evaluate(source) == {"q([a, b])": 1.0}


# Calls of each list builtin and of the clauses it stands in for ('$lists_X_open'): proper,
# improper and partial lists, bound and unbound arguments, errors.
BUILTIN_CALLS = [
    ("$lists_memberchk", "X, [a,b,a]", "X"),
    ("$lists_memberchk", "f(X), [g(1),f(2),f(3)]", "X"),
    ("$lists_memberchk", "c, [a,b]", "x"),
    ("$lists_memberchk", "X, [a|b]", "X"),
    ("$lists_memberchk", "c, [a,b|T]", "T"),
    ("$lists_memberchk_eq", "B, [a,B]", "B"),
    ("$lists_memberchk_eq", "b, [a,B]", "B"),
    ("$lists_memberchk_eq", "f(1), [f(1.0),f(1)|z]", "x"),
    ("$lists_memberchk_eq", "c, [a|T]", "T"),
    ("$lists_nth", "0, [a,b], X", "X"),
    ("$lists_nth", "1, [a,b], X", "X"),
    ("$lists_nth", "2, [a,b], X", "X"),
    ("$lists_nth", "1, [a|b], X", "X"),
    ("$lists_nth", "1, [a,b|c], X", "X"),
    ("$lists_nth", "3, [a,b|T], X", "T-X"),
    ("$lists_nth", "0, [a|T], b", "T"),
    ("$lists_nth_enum", "[a,b,a], a, 0, I", "I"),
    ("$lists_nth_enum", "[a,b|c], X, 1, I", "X-I"),
    ("$lists_nth_enum", "[A,b], a, 1, I", "A-I"),
    ("$lists_last", "[a,b,c], X", "X"),
    ("$lists_last", "[], X", "X"),
    ("$lists_last", "[a|b], X", "X"),
    ("$lists_last", "[a,B], b", "B"),
    ("$lists_sum", "[1,2.5,3+1], 0, S", "S"),
    ("$lists_sum", "[], 0, S", "S"),
    ("$lists_sum", "[1|b], 0, S", "S"),
    ("$lists_sum", "[1,2], 0, 3", "x"),
    ("$lists_sum", "[1,2], 0, 3.0", "x"),
    ("$lists_sum", "[a], 0, S", "S"),
    ("$lists_sum", "[1,X], 0, S", "S"),
    ("$lists_max_list", "[3,5,5.0,1], 0, M", "M"),
    ("$lists_max_list", "[5.0,5], 0, M", "M"),
    ("$lists_max_list", "[1,f], 0, M", "M"),
    ("$lists_min_list", "[3,1.0,1,4], 9, M", "M"),
    ("$lists_min_list", "[], 9, M", "M"),
]


def _solutions(source: str):
    try:
        return problogic.evaluate(source)
    except problogic.ProblogicError as exc:  # the same error, wherever it is located
        return type(exc).__name__, re.sub(r" \(inside library.*", "", exc.message)


@pytest.mark.parametrize("name, args, template", BUILTIN_CALLS)
def test_list_builtin_is_its_clauses(name, args, template):
    """The builtin gives the clauses' answers in their order, or raises their error."""
    def source(predicate):
        return f"q(L) :- findall({template}, '{predicate}'({args}), L).\nquery(q(_))."

    ours = _solutions(source(name))
    assert ours == _solutions(source(name + "_open"))
    assert ours  # an answer or an error, never nothing
