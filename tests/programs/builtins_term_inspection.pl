% Covers: =../2 (both directions), functor/3 (both directions) and arg/3.
u1(L) :- f(a, b, c) =.. L.
u2(T) :- T =.. [g, 1, 2].
f1(N, A) :- functor(h(x, y), N, A).
f2(T) :- functor(T, k, 0).
a1(X) :- arg(2, f(a, b, c), X).
a2 :- arg(1, f(a), a).
query(u1(_)).
query(u2(_)).
query(f1(_, _)).
query(f2(_)).
query(a1(_)).
query(a2).
