% Covers: repeated probabilistic facts are independent choices: 0.3::f. 0.3::f. gives
% P(f) = 1 - 0.7 * 0.7; a deterministic copy makes the atom certain.
0.3::f.
0.3::f.
0.5::g(1).
0.5::g(1).
0.5::g(1).
0.2::h.
h.
0.1::k(a).
0.2::k(b).
0.3::k(a).
query(f).
query(g(1)).
query(h).
query(k(a)).
query(k(b)).
