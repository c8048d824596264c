% Two fair dice as annotated disjunctions; arithmetic on their outcomes.
:- use_module(library(lists)).
1/6::die(D, 1); 1/6::die(D, 2); 1/6::die(D, 3);
1/6::die(D, 4); 1/6::die(D, 5); 1/6::die(D, 6) :- member(D, [first, second]).

sum(S) :- die(first, A), die(second, B), S is A + B.
double :- die(first, X), die(second, X).
query(sum(7)).
query(sum(12)).
query(double).
evidence(die(first, 6)).
