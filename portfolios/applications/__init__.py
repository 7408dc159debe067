"""Applications: a worker's case for progression on one route, from the first draft to the frozen
submission. The state machine is declared once, in workflow.py."""
