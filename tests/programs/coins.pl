% Covers: a row of coins built with between/3, counting heads with findall/3 and length/2.
:- use_module(library(lists)).
0.5::heads(C) :- between(1, 3, C).
num_heads(N) :- findall(C, (between(1, 3, C), heads(C)), L), length(L, N).
some_heads :- between(1, 3, C), heads(C).
query(num_heads(_)).
query(some_heads).
