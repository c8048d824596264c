% Covers: two fair dice as annotated disjunctions over a variable, sums with arithmetic,
% comparisons, and evidence on the sum.
1/6::die(D, 1); 1/6::die(D, 2); 1/6::die(D, 3); 1/6::die(D, 4); 1/6::die(D, 5); 1/6::die(D, 6).
sum(S) :- die(1, A), die(2, B), S is A + B.
double :- die(1, X), die(2, X).
high :- sum(S), S > 8.
odd_sum :- sum(S), S mod 2 =:= 1.
evidence(double, false).
query(sum(7)).
query(sum(2)).
query(high).
query(odd_sum).
query(die(1, 6)).
