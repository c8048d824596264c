% Covers: the type tests var, nonvar, atom, number, integer, float, atomic, compound,
% callable, is_list and ground.
t(var) :- var(_).
t(nonvar) :- nonvar(a).
t(atom) :- atom(abc).
t(atom_list) :- atom([]).
t(number) :- number(1.5).
t(integer) :- integer(3).
t(float) :- float(3.0).
t(not_float) :- \+ float(3).
t(atomic) :- atomic(abc), atomic(2).
t(compound) :- compound(f(x)).
t(callable) :- callable(foo), callable(f(x)).
t(is_list) :- is_list([a, b]).
t(not_is_list) :- \+ is_list([a | b]).
t(ground) :- ground(f(a, [b])).
t(not_ground) :- \+ ground(f(_)).
t(bound_later) :- var(X), X = 1, nonvar(X).
query(t(_)).
