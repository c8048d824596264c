"""Arithmetic evaluation for ``is/2`` and the comparison predicates.

:func:`evaluate` computes the value of a ground arithmetic expression. The functions and their
results follow ProbLog (observed with the ``problog`` package, see ``tests/test_arithmetic.py``),
which follows Python where it differs from ISO Prolog:

* ``/`` always divides exactly and gives a float: ``7/2`` is ``3.5``, ``6/2`` is ``3.0``;
* ``//`` and ``div`` round towards negative infinity (``-7//2`` is ``-4``) and accept floats
  (``div`` as ``(X - X mod Y) // Y``, which can differ from ``//`` on floats by rounding);
  ``mod`` and ``rem`` both take the sign of the divisor (``-7 rem 2`` is ``1``; ISO says ``-1``)
  and accept floats (``7.5 mod 2`` is ``1.5``);
* ``**`` and ``^`` are the same function: integers to a non-negative integer power stay exact
  integers (``2**100``), a negative integer power gives a float (``2^(-1)`` is ``0.5``);
* ``round`` rounds half to even (``round(2.5)`` is ``2``), ``integer`` truncates
  (``integer(2.5)`` is ``2``), ``sign``, ``float_integer_part`` of a float give integers;
* ``max``/``min`` of equal numbers return the first argument (``max(1, 1.0)`` is ``1``);
* float overflow in ``+ - * /`` gives ``inf`` (as in Python), ``nan`` propagates.

Where ProbLog fails with a Python exception or returns a complex number, we raise a clean
:class:`GroundingError` instead (``exp(1000)``, ``(-8)**(1/3)``). Functions ProbLog lacks but
SWI-Prolog has (``gcd``, ``msb``, ``log/2``, ``log2``, ``cot``, ``copysign``,
``max_tagged_integer``, ...) are provided with SWI's meaning.

ProbLog also rounds every float *constant* it makes to 15 decimals, so the result of ``is``
is rounded (``X is 1.0e-20`` binds ``X`` to ``0.0``) while intermediate values and the operands
of comparisons are not (``exp(-40)*exp(40) =:= 1.0`` holds). :func:`evaluate` returns the exact
value; :func:`round_float` applies ProbLog's rounding for callers that want it.

Evaluation uses an explicit stack, so ``1+1+...+1`` with thousands of terms does not recurse.
"""

from __future__ import annotations

import math
import sys
from typing import Callable

from ..errors import GroundingError, SourceLocation
from ..language.terms import String, Term, TermLike, Var

Number = int | float

# Results of integer power and shift are refused beyond this many bits: a runaway ``2**N``
# would otherwise take all memory and time before any other limit is checked.
MAX_INTEGER_BITS = 1 << 20

# ProbLog rounds every float it turns into a term to this many decimals.
PROBLOG_FLOAT_DECIMALS = 15


class _TypeError(Exception):
    """An argument of the wrong type (an integer was required); carries the message."""


class _Undefined(Exception):
    """The result is not a real number (complex result, too large integer, ...)."""


# -- the functions ----------------------------------------------------------------------------


def _require_int(name: str, *values: Number) -> None:
    for value in values:
        if type(value) is not int:
            raise _TypeError(f"type error: {name} expects integers, got {value!r}")


def _power(base: Number, exponent: Number) -> Number:
    if type(base) is int and type(exponent) is int and exponent > 0 and abs(base) > 1 \
            and exponent * base.bit_length() > MAX_INTEGER_BITS:
        raise _Undefined(f"integer result too large (more than {MAX_INTEGER_BITS} bits)")
    result = base ** exponent  # int**negative int gives a float, 0**-1 raises ZeroDivisionError
    if isinstance(result, complex):
        raise _Undefined("the result is not a real number")
    return result


def _shift_left(value: int, shift: int) -> int:
    _require_int("<<", value, shift)
    if shift < 0:
        return value >> -shift
    if value and value.bit_length() + shift > MAX_INTEGER_BITS:
        raise _Undefined(f"integer result too large (more than {MAX_INTEGER_BITS} bits)")
    return value << shift


def _shift_right(value: int, shift: int) -> int:
    _require_int(">>", value, shift)
    return _shift_left(value, -shift) if shift < 0 else value >> shift


def _bitwise(name: str, op: Callable[[int, int], int]) -> Callable[[int, int], int]:
    def function(a: int, b: int) -> int:
        _require_int(name, a, b)
        return op(a, b)
    return function


def _bit_not(value: int) -> int:
    _require_int("\\", value)
    return ~value


def _gcd(a: int, b: int) -> int:
    _require_int("gcd", a, b)
    return math.gcd(a, b)


def _msb(value: int) -> int:
    _require_int("msb", value)
    if value <= 0:
        raise _Undefined("msb/1 needs a positive integer")
    return value.bit_length() - 1


def _maximum(a: Number, b: Number) -> Number:
    # Python's max(): the first argument unless the second is strictly larger, as ProbLog.
    return b if b > a else a


def _minimum(a: Number, b: Number) -> Number:
    return b if b < a else a


def _sign(value: Number) -> int:
    return (value > 0) - (value < 0)


def _fractional_part(value: Number) -> Number:
    return value - int(value)


def _log_base(base: Number, value: Number) -> float:
    return math.log(value) / math.log(base)


def _divide(a: Number, b: Number) -> float:
    return a / b  # true division: ProbLog's 7/2 is 3.5 and 6/2 is 3.0


def _floor_divide(a: Number, b: Number) -> Number:
    return a // b


def _integer_divide(a: Number, b: Number) -> Number:
    # ProbLog computes div as (a - a mod b) // b: the same as a // b on integers, but on
    # floats the subtraction can round (-2 div sqrt(0.5) is -4.0 there, -2 // sqrt(0.5) -3.0).
    return (a - a % b) // b


def _modulo(a: Number, b: Number) -> Number:
    return a % b


def _cot(value: Number) -> float:
    return 1.0 / math.tan(value)


def _acot(value: Number) -> float:
    return math.atan(1.0 / value)


def _to_int(convert: Callable[[float], int]) -> Callable[[Number], int]:
    def function(value: Number) -> int:
        return value if type(value) is int else convert(value)
    return function


# (name, arity) -> function on Python numbers. Constants are functions of arity 0.
FUNCTIONS: dict[tuple[str, int], Callable[..., Number]] = {
    ("+", 2): lambda a, b: a + b,
    ("-", 2): lambda a, b: a - b,
    ("*", 2): lambda a, b: a * b,
    ("/", 2): _divide,
    ("//", 2): _floor_divide,
    ("div", 2): _integer_divide,
    ("mod", 2): _modulo,
    ("rem", 2): _modulo,  # ProbLog's rem is Python's %, like mod
    ("min", 2): _minimum,
    ("max", 2): _maximum,
    ("**", 2): _power,
    ("^", 2): _power,
    ("atan", 2): math.atan2,
    ("atan2", 2): math.atan2,
    ("log", 2): _log_base,
    ("copysign", 2): math.copysign,
    ("gcd", 2): _gcd,
    (">>", 2): _shift_right,
    ("<<", 2): _shift_left,
    ("/\\", 2): _bitwise("/\\", lambda a, b: a & b),
    ("\\/", 2): _bitwise("\\/", lambda a, b: a | b),
    ("xor", 2): _bitwise("xor", lambda a, b: a ^ b),
    ("-", 1): lambda a: -a,
    ("+", 1): lambda a: a,
    ("\\", 1): _bit_not,
    ("abs", 1): abs,
    ("sign", 1): _sign,
    ("msb", 1): _msb,
    ("sqrt", 1): math.sqrt,
    ("exp", 1): math.exp,
    ("log", 1): math.log,
    ("log2", 1): math.log2,
    ("sin", 1): math.sin,
    ("cos", 1): math.cos,
    ("tan", 1): math.tan,
    ("cot", 1): _cot,
    ("asin", 1): math.asin,
    ("acos", 1): math.acos,
    ("atan", 1): math.atan,
    ("acot", 1): _acot,
    ("sinh", 1): math.sinh,
    ("cosh", 1): math.cosh,
    ("tanh", 1): math.tanh,
    ("asinh", 1): math.asinh,
    ("acosh", 1): math.acosh,
    ("atanh", 1): math.atanh,
    ("floor", 1): _to_int(math.floor),
    ("ceiling", 1): _to_int(math.ceil),
    ("round", 1): _to_int(round),  # half to even, as ProbLog (SWI rounds half away from 0)
    ("truncate", 1): _to_int(math.trunc),
    ("integer", 1): _to_int(int),  # truncates, as ProbLog (SWI rounds)
    ("float", 1): float,
    ("float_integer_part", 1): int,  # an int, as ProbLog (SWI gives a float)
    ("float_fractional_part", 1): _fractional_part,
    ("pi", 0): lambda: math.pi,
    ("e", 0): lambda: math.e,
    ("inf", 0): lambda: math.inf,
    ("infinite", 0): lambda: math.inf,
    ("nan", 0): lambda: math.nan,
    ("epsilon", 0): lambda: sys.float_info.epsilon,
    ("max_tagged_integer", 0): lambda: (1 << 60) - 1,
    ("min_tagged_integer", 0): lambda: -(1 << 60),
}


# -- evaluation -------------------------------------------------------------------------------


def _describe(term: TermLike, limit: int = 80) -> str:
    """The term as text for an error message, shortened to ``limit`` characters."""
    from ..language.printing import format_term

    text = format_term(term)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fail(message: str, term: TermLike, location: SourceLocation | None) -> GroundingError:
    """The error at the offending subterm where it is written inside the goal (``X is foo +
    1``: at ``foo``) or in another file than the goal (a library's), else at the goal, naming
    where the subterm comes from (``Y is X * 2`` with ``X`` bound to ``foo`` by a caller)."""
    own = getattr(term, "location", None)
    if own is None or location is None:
        return GroundingError(message, own or location)
    if own.file != location.file or (own.line == location.line
                                     and own.column >= location.column):
        return GroundingError(message, own)
    return GroundingError(f"{message}; the term comes from {own}", location)


def _leaf_error(term: TermLike, location: SourceLocation | None) -> GroundingError:
    if isinstance(term, Var):
        return _fail(f"arithmetic on unbound variable {_describe(term)} (instantiation error)",
                     term, location)
    if isinstance(term, String):
        return _fail(f"type error: string {_describe(term)} is not a number", term, location)
    if isinstance(term, Term) and not term.args:
        return _fail(f"'{term.functor}' is not a function (type error: evaluable expected)",
                     term, location)
    if isinstance(term, Term):
        return _fail(f"unknown arithmetic function {term.functor}/{len(term.args)} in "
                     f"{_describe(term)}", term, location)
    return _fail(f"{term!r} is not an arithmetic expression", term, location)


def _apply(term: Term, function: Callable[..., Number], args: list,
           location: SourceLocation | None) -> Number:
    try:
        result = function(*args)
    except ZeroDivisionError:
        raise _fail(f"division by zero in {_describe(term)}", term, location) from None
    except _TypeError as exc:
        raise _fail(f"{exc} in {_describe(term)}", term, location) from None
    except _Undefined as exc:
        raise _fail(f"undefined arithmetic result for {_describe(term)}: {exc}", term,
                    location) from None
    except OverflowError as exc:
        # float(huge int), exp(1000), 10.0**400, floor(inf), ...
        raise _fail(f"arithmetic overflow in {_describe(term)} ({exc})", term,
                    location) from None
    except ValueError as exc:
        # math domain errors (sqrt(-1), log(0), acos(2)) and floor(nan)
        raise _fail(f"undefined arithmetic result for {_describe(term)} ({exc})", term,
                    location) from None
    if isinstance(result, complex):
        raise _fail(f"undefined arithmetic result for {_describe(term)}: the result is not a "
                    "real number", term, location)
    return result


def evaluate(expr: TermLike, location: SourceLocation | None = None) -> Number:
    """The value of the arithmetic expression ``expr`` (an int or a float).

    ``expr`` must be fully instantiated; a variable left inside is an instantiation error.
    Every error (unbound variable, an atom or compound that is not a function, division by
    zero, a type or domain error, overflow) is raised as :class:`GroundingError` naming the
    offending subterm, located at that subterm's own position if it has one, else at
    ``location``.

    >>> from problogic.language.terms import Term
    >>> evaluate(Term("/", (7, 2)))
    3.5
    >>> evaluate(Term("**", (2, 10)))
    1024
    """
    # Post-order walk with two stacks: `work` holds terms to visit and markers that apply a
    # function to the values its arguments left on `values`.
    if type(expr) is int or type(expr) is float:
        return expr
    if type(expr) is Term:
        # Fast path for the common ``N1 is N - 1``: one function of numbers.
        function = FUNCTIONS.get((expr.functor, len(expr.args)))
        if function is not None and all(type(a) is int or type(a) is float for a in expr.args):
            return _apply(expr, function, list(expr.args), location)
    work: list = [expr]
    values: list[Number] = []
    apply_marker = _ApplyMarker
    while work:
        item = work.pop()
        if type(item) is apply_marker:
            term, function = item.term, item.function
            arity = len(term.args)
            if arity:
                args = values[-arity:]
                del values[-arity:]
            else:
                args = []
            values.append(_apply(term, function, args, location))
            continue
        kind = type(item)
        if kind is int or kind is float:
            values.append(item)
            continue
        if kind is Term:
            function = FUNCTIONS.get((item.functor, len(item.args)))
            if function is not None:
                work.append(apply_marker(item, function))
                work.extend(reversed(item.args))
                continue
        raise _leaf_error(item, location)
    return values[0]


class _ApplyMarker:
    """On the work stack: apply ``function`` to the values of ``term``'s arguments."""

    __slots__ = ("term", "function")

    def __init__(self, term: Term, function: Callable[..., Number]):
        self.term = term
        self.function = function


def round_float(value: Number) -> Number:
    """``value`` as ProbLog stores a number it makes: floats rounded to 15 decimals
    (``1e-20`` becomes ``0.0``, ``7/3`` becomes ``2.333333333333333``), integers unchanged."""
    if type(value) is float and math.isfinite(value):
        return round(value, PROBLOG_FLOAT_DECIMALS)
    return value


_COMPARISONS: dict[str, Callable[[Number, Number], bool]] = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "=<": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "=:=": lambda a, b: a == b,
    "=\\=": lambda a, b: a != b,
}


def compare_numbers(op: str, a: Number, b: Number) -> bool:
    """Whether ``a op b`` holds for ``op`` one of ``< > =< >= =:= =\\=``.

    Integers and floats compare by value (``1 =:= 1.0``), exactly even for integers too large
    for a float; comparisons with ``nan`` are false except ``=\\=``, as in IEEE arithmetic.
    """
    try:
        return _COMPARISONS[op](a, b)
    except KeyError:
        raise ValueError(f"unknown arithmetic comparison {op!r}") from None
