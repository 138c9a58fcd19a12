"""Writes for training. Each module holds one noun's verbs; views and tasks call these only."""


class TrainingError(Exception):
    """A refusal a person can read: "You have used all 3 attempts at this check."."""


class NotInLesson(TrainingError):
    """The block id names nothing in this lesson: the view answers 404."""
