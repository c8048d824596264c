% Covers: a small instance of the counts family: each object is an annotated disjunction over
% classes; query the probability of exact class counts (counted with findall/3).
:- use_module(library(lists)).
object(o1).
object(o2).
object(o3).
object(o4).
0.5::cls(O, cat); 0.3::cls(O, dog); 0.2::cls(O, bird) :- object(O).
count(C, N) :- findall(O, (object(O), cls(O, C)), L), length(L, N).
counts(A, B) :- count(cat, A), count(dog, B).
query(count(cat, _)).
query(counts(2, 1)).
query(counts(0, 0)).
