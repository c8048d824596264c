% Covers: is/2 with the usual integer and float functions, and the arithmetic comparisons;
% all results are exactly representable so the printed keys are unambiguous.
r(add, X) :- X is 2 + 3.
r(sub, X) :- X is 2 - 5.
r(mul, X) :- X is 4 * 2.5.
r(fdiv, X) :- X is 7 / 2.
r(idiv, X) :- X is 7 // 2.
r(mod, X) :- X is 7 mod 3.
r(negmod, X) :- X is -7 mod 3.
r(rem, X) :- X is 7 rem 3.
r(pow, X) :- X is 2 ** 3.
r(caret, X) :- X is 2 ^ 10.
r(abs, X) :- X is abs(-4).
r(max, X) :- X is max(3, 8).
r(min, X) :- X is min(3, 8).
r(sqrt, X) :- X is sqrt(16).
r(floor, X) :- X is floor(2.5).
r(ceil, X) :- X is ceiling(2.5).
r(trunc, X) :- X is truncate(-2.5).
r(float, X) :- X is float(3).
r(shift, X) :- X is 1 << 4.
r(and, X) :- X is 12 /\ 10.
r(or, X) :- X is 12 \/ 10.
r(neg, X) :- X is -(3).
r(nested, X) :- X is (1 + 2) * (3 - 4) / 2.
c(lt) :- 1 < 2.
c(gt) :- 2.5 > 2.
c(le) :- 2 =< 2.
c(ge) :- 3 >= 4.
c(eq) :- 1.0 =:= 1.
c(ne) :- 1 =\= 2.
c(expr) :- 2 + 2 =:= 2 * 2.
query(r(_, _)).
query(c(_)).
