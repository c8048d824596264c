% 400 worlds drawn from alarm.pl, each partly observed (alarm half the time)
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(mary), true).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, true).
evidence(alarm, true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(mary), true).
---
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(calls(john), true).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(alarm, true).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(calls(john), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
---
evidence(earthquake, true).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, true).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), true).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
---
evidence(earthquake, true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(mary), true).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(calls(john), false).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(mary), true).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(calls(john), false).
---
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(mary), true).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(alarm, true).
evidence(calls(john), true).
evidence(calls(mary), true).
---
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(earthquake, false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(calls(john), true).
---
evidence(burglary, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(earthquake, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(mary), false).
---
evidence(burglary, true).
evidence(earthquake, false).
evidence(alarm, true).
evidence(calls(mary), true).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, true).
evidence(earthquake, true).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), true).
evidence(calls(mary), false).
---
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, true).
evidence(alarm, false).
---
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(alarm, false).
evidence(calls(john), false).
evidence(calls(mary), false).
---
evidence(burglary, false).
evidence(earthquake, false).
evidence(calls(john), false).
---
evidence(burglary, false).
evidence(calls(mary), false).
