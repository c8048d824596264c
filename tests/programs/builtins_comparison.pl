% Covers: unification (=, \=), term identity (==, \==), standard order (@<, @>, @=<, @>=) and
% compare/3.
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
o(A, B, O) :- compare(O, A, B).
query(t(_)).
query(o(1, 2, _)).
query(o(b, a, _)).
query(o(f(x), f(x), _)).
