% A rule body calls a non-ground probabilistic fact with an unbound argument.
% expect: GroundingError at 3:6|3:1|3:4|4:6
0.4::g(X).
q :- g(_).
query(q).
