% Covers: probabilities at the bounds 0 and 1 (integer and float spellings), and how they
% combine with rules and negation.
0.0::never.
1.0::always.
0::zero.
1::one.
0.5::half.
maybe :- half, always.
impossible :- half, never.
certain :- \+ never.
either :- zero ; one.
query(never).
query(always).
query(zero).
query(one).
query(maybe).
query(impossible).
query(certain).
query(either).
