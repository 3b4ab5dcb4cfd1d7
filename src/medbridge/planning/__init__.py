"""Planning algorithms as plain Python: placement matching (``matching``) and the
visiting-schedule optimiser (``scheduling``). Nothing here imports Django; adapters
in the apps turn ORM rows into these inputs and the results back into records."""
