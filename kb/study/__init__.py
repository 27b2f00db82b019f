"""Study material and its measurement: study guides, quizzes, their exports, and `kb eval`."""

from kb._moved import forward_names

# `from kb.study import build_study_guide` of the flat layout: the former kb/study.py is guide.py.
__getattr__ = forward_names("kb.study", ("kb.study.guide",))
