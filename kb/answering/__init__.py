"""Answering: a question → its plan, read once (plan) → ranked passages (retrieve) → scored
sentences (evidence) → a cited answer, its contrast table and the grounding check (answer,
contrast, grounding); answerer.Answerer runs these stages for `ask` and the tuning scripts.
"""
