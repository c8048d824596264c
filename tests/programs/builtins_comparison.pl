% Covers: unification (=, \=), term identity (==, \==), standard order (@<, @>, @=<, @>=) and
% compare/3. (ProbLog's compare/3 yields the quoted atoms '<', '=', '>', which ProbLog keeps
% distinct from unquoted <, = and >; the results are compared with quoted atoms, which works
% either way, and only plain atoms are printed.)
t(eq) :- f(X, b) = f(a, Y), X == a, Y == b.
t(neq) :- a \= b.
t(ident) :- X = Y, X == Y.
t(notident) :- a \== b.
t(var_notident) :- X \== Y.
t(order_num_atom) :- 1 @< a.
t(order_atom) :- abc @< abd.
t(order_compound) :- f(a) @> a.
t(order_arity) :- f(b) @< g(a, a).
t(order_le) :- a @=< a.
t(order_ge) :- b @>= a.
t(int_float) :- 1.0 @< 1.
o(A, B, lt) :- compare(O, A, B), O = '<'.
o(A, B, eq) :- compare(O, A, B), O = '='.
o(A, B, gt) :- compare(O, A, B), O = '>'.
query(t(_)).
query(o(1, 2, _)).
query(o(b, a, _)).
query(o(f(x), f(x), _)).
