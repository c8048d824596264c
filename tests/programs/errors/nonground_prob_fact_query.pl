% A non-ground query on a non-ground probabilistic fact: infinitely many ground instances.
% expect: GroundingError at 3:6|3:1|3:4|4:7|4:1
0.4::g(X).
query(g(_)).
