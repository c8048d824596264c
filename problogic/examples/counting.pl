% Forty objects, each one of three colours (an annotated disjunction per object).
% What is the probability of exactly 14 red, 13 green and 13 blue objects?
% The recursive count program grounds to O(n^2) atoms; the compiler keeps it polynomial
% where enumerating label assignments would need 3^40 worlds.
object(I) :- between(1, 40, I).
0.5::colour(I, red); 0.3::colour(I, green); 0.2::colour(I, blue) :- object(I).

count([], _, 0).
count([I|T], C, N) :- colour(I, C), count(T, C, M), N is M + 1.
count([I|T], C, N) :- \+ colour(I, C), count(T, C, N).

objects(L) :- findall(I, object(I), L).
label :- objects(L), count(L, red, 14), count(L, green, 13), count(L, blue, 13).
query(label).
