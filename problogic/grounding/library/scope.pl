% library(scope): ProbLog's scoped programs (Scope:Goal), written for problogic.
%
% Loaded only by :- use_module(library(scope)). Scoped facts and rules (scope1:a.,
% s:p(X) :- s:q(X).) need no library: they are clauses of ':'/2. The library adds what a
% scope means beyond them, so its clauses join the program's own ':'/2 clauses:

% a conjunction holds in a scope where each of its goals does;
Scope:Goal :- nonvar(Goal), Goal = (First, Rest), Scope:First, Scope:Rest.

% a goal holds in a list of scopes where it holds in one of them;
Scopes:Goal :- nonvar(Scopes), Scopes = [_|_], member(Scope, Scopes), Scope:Goal.

% and a goal that holds outside any scope, a builtin included, holds in every scope.
_:Goal :- nonvar(Goal), Goal \= (_, _), try_call(Goal).
