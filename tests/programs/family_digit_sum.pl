% Covers: a small instance of the sums family: digits as uniform annotated disjunctions, the
% probability of a sum of two digits, and two-digit addition written digit by digit with a
% carry.
0.1::d(N, 0); 0.1::d(N, 1); 0.1::d(N, 2); 0.1::d(N, 3); 0.1::d(N, 4);
0.1::d(N, 5); 0.1::d(N, 6); 0.1::d(N, 7); 0.1::d(N, 8); 0.1::d(N, 9) :- between(1, 4, N).
sum2(S) :- d(1, A), d(2, B), S is A + B.
add(S1, S0) :- d(1, A0), d(2, B0), d(3, A1), d(4, B1),
    T0 is A0 + B0, S0 is T0 mod 10, C is T0 // 10,
    S1 is A1 + B1 + C.
query(sum2(_)).
query(add(1, 5)).
query(add(19, 8)).
