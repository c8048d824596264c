% Covers: annotated disjunctions whose probabilities sum to 1 in decimal but slightly above 1
% in floating point (0.8 + 0.05 + 0.06 + 0.09 = 1.0000000000000002): must be accepted.
0.8::a; 0.05::b; 0.06::c; 0.09::d.
0.55::x; 0.31::y; 0.04::z; 0.1::w.
1/3::t1; 1/3::t2; 1/3::t3.
query(a).
query(d).
query(w).
query(t3).
