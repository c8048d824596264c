% Unbounded recursion: every call creates a new, larger goal. ProbLog runs forever;
% problogic must stop with a LimitExceededError within seconds.
% expect: LimitExceededError
p(X) :- p(s(X)).
query(p(a)).
