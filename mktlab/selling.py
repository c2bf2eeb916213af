"""Customer-centred selling (以客户为中心的销售): case 08.

Four outdated selling styles, the SPIN question types of Rackham (1988) that
replace them, and the rubric an instructor uses to grade a pitch rewritten with
SPIN questions.  Everything here is plain data or a pure function; the role-play
dialogues themselves are in ``datasets/selling_dialogue_lines.csv``.
"""
from __future__ import annotations

__all__ = ["OUTDATED_STYLES", "STYLE_KEYS", "SPIN_TYPES", "SPIN_KEYS", "SPIN_RUBRIC",
           "selling_styles", "spin_questions", "spin_rubric", "rubric_score",
           "is_question", "question_share", "scene_script"]

#: The four outdated selling styles of the role-play, in the order the source presents them.
#: ``key`` is the label students use in exercises.
OUTDATED_STYLES = (
    {"key": "product-centred", "style": "product-centred selling", "style_zh": "以产品为中心的销售方式",
     "what_the_seller_does": "recites features and specifications of the product, one way, without asking "
                             "what the customer needs",
     "why_it_fails": "the customer hears features, not benefits for their own situation; no dialogue, "
                     "so no trust is built",
     "better_practice": "ask about needs first, then link features to benefits the customer has named "
                        "(FAB; SPIN, Rackham 1988)"},
    {"key": "knocking competitors", "style": "knocking the competitors", "style_zh": "打击竞争对手的销售方式",
     "what_the_seller_does": "runs down a rival's product, service or customers to make their own look better",
     "why_it_fails": "even when the criticism is true, customers distrust the critic and may feel their "
                     "own past choice is being attacked",
     "better_practice": "differentiate on your own value and let the customer compare; follow the "
                        "sales-ethics codes of the trade"},
    {"key": "old friend", "style": "\"old friend\" selling", "style_zh": "老朋友式的销售方式",
     "what_the_seller_does": "leans on personal closeness (shared acquaintances, favours, dinners) to "
                             "make the customer buy",
     "why_it_fails": "personal ties replace value; a professional buyer becomes defensive, and it slides "
                     "into 拉关系 (pulling strings), which is not relationship marketing",
     "better_practice": "build the relationship between organisations on value and kept promises "
                        "(Berry 1983; Morgan & Hunt 1994)"},
    {"key": "argumentative", "style": "argumentative selling", "style_zh": "辩论式销售方式",
     "what_the_seller_does": "treats each objection as a debate to win and proves the customer wrong",
     "why_it_fails": "the seller may win the argument but the customer loses face and the sale is lost",
     "better_practice": "acknowledge the objection, ask what lies behind it, answer the real concern "
                        "(Carnegie 1936: \"the only way to get the best of an argument is to avoid it\")"},
)

#: The labels of the four outdated styles, in order.
STYLE_KEYS = tuple(s["key"] for s in OUTDATED_STYLES)

#: Rackham's (1988) four question types, in the order a SPIN conversation usually uses them.
SPIN_TYPES = (
    {"key": "situation", "question_type": "situation question", "question_type_zh": "背景问题",
     "purpose": "collect facts about the buyer's present situation",
     "example": "How many printers does your office run, and who looks after them?",
     "caution": "ask few: buyers find a string of fact-finding questions tedious"},
    {"key": "problem", "question_type": "problem question", "question_type_zh": "难点问题",
     "purpose": "uncover difficulties, dissatisfactions or problems (implied needs)",
     "example": "Which part of printing causes your staff the most trouble?",
     "caution": "a problem the buyer admits is not yet a reason to buy"},
    {"key": "implication", "question_type": "implication question", "question_type_zh": "暗示问题",
     "purpose": "explore the consequences of the problem so the buyer sees how large it is",
     "example": "When the printer jams before a tender deadline, what does that cost the team?",
     "caution": "the hardest type to ask well; it builds the value of solving the problem"},
    {"key": "need-payoff", "question_type": "need-payoff question", "question_type_zh": "需求—效益问题",
     "purpose": "let the buyer state the value of a solution in their own words (explicit needs)",
     "example": "If the jams stopped, how would that help you meet the tender deadlines?",
     "caution": "the buyer, not the seller, names the benefit"},
)

#: The labels of the four SPIN question types, in order.
SPIN_KEYS = tuple(t["key"] for t in SPIN_TYPES)

#: The instructor's rubric for the free-text exercise: rewrite one pitch as a SPIN conversation.
#: Each criterion is scored 0, the ``partial`` points, or ``max_points``.
SPIN_RUBRIC = (
    {"criterion": "situation questions", "criterion_zh": "背景问题", "max_points": 2, "partial": 1,
     "full": "one or two short, relevant fact-finding questions; no interrogation",
     "partial_credit": "present but too many, or irrelevant to the product",
     "none": "no situation question, or the pitch opens with product features"},
    {"criterion": "problem questions", "criterion_zh": "难点问题", "max_points": 3, "partial": 1,
     "full": "at least one open question that brings out a specific difficulty of this customer",
     "partial_credit": "a problem question that is closed or generic (\"Any problems?\")",
     "none": "no problem question; the seller assumes the problem"},
    {"criterion": "implication questions", "criterion_zh": "暗示问题", "max_points": 3, "partial": 1,
     "full": "at least one question that develops a consequence of the problem (cost, time, risk, people)",
     "partial_credit": "the seller states the consequence instead of asking about it",
     "none": "no implication question"},
    {"criterion": "need-payoff questions", "criterion_zh": "需求—效益问题", "max_points": 3, "partial": 1,
     "full": "at least one question that lets the customer state the value of a solution",
     "partial_credit": "the seller states the benefit, or the question is a leading yes/no",
     "none": "no need-payoff question"},
    {"criterion": "free of the four outdated styles", "criterion_zh": "避免四种过时的销售方式",
     "max_points": 2, "partial": 1,
     "full": "no feature dump, no knocking competitors, no leaning on personal ties, no arguing; "
             "features appear only as answers to needs the customer named",
     "partial_credit": "one slip into an outdated style",
     "none": "two or more outdated styles remain"},
    {"criterion": "flow and plausibility", "criterion_zh": "逻辑与可信度", "max_points": 2, "partial": 1,
     "full": "the questions follow from the customer's answers in a sensible order and sound like a "
             "real conversation; the customer's replies are plausible",
     "partial_credit": "a list of questions with little connection between them",
     "none": "not a conversation (e.g. a monologue or a list of features)"},
)


def selling_styles():
    """The four outdated selling styles as a table, one row per style.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``style``, ``style_zh``, ``what_the_seller_does``,
        ``why_it_fails`` and ``better_practice``.

    Examples
    --------
    >>> styles = selling_styles()
    >>> styles["key"].tolist()
    ['product-centred', 'knocking competitors', 'old friend', 'argumentative']
    >>> styles.loc[3, "style_zh"]
    '辩论式销售方式'
    """
    import pandas as pd

    return pd.DataFrame(list(OUTDATED_STYLES))


def spin_questions():
    """Rackham's (1988) four SPIN question types as a table, in their usual order.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``question_type``, ``question_type_zh``, ``purpose``,
        ``example`` and ``caution``.

    Examples
    --------
    >>> spin_questions()["key"].tolist()
    ['situation', 'problem', 'implication', 'need-payoff']
    """
    import pandas as pd

    return pd.DataFrame(list(SPIN_TYPES))


def spin_rubric():
    """The instructor's rubric for the SPIN rewrite, one row per criterion.

    Returns
    -------
    pandas.DataFrame
        Columns ``criterion``, ``criterion_zh``, ``max_points``, ``partial``,
        ``full``, ``partial_credit`` and ``none``.

    Examples
    --------
    >>> rubric = spin_rubric()
    >>> len(rubric), int(rubric["max_points"].sum())
    (6, 15)
    """
    import pandas as pd

    return pd.DataFrame(list(SPIN_RUBRIC))


def rubric_score(scores):
    """Total an instructor's rubric scores for one SPIN rewrite.

    Parameters
    ----------
    scores : dict
        Points per criterion of :data:`SPIN_RUBRIC`, keyed by its ``criterion``
        name.  Each score must be 0, the criterion's ``partial`` points or its
        ``max_points``; a criterion left out scores 0.

    Returns
    -------
    dict
        ``points`` (the total), ``max_points`` (15) and ``percent`` (rounded to
        one decimal).

    Raises
    ------
    ValueError
        For an unknown criterion or a score the rubric does not allow.

    Examples
    --------
    >>> rubric_score({"situation questions": 2, "problem questions": 3,
    ...               "implication questions": 1, "need-payoff questions": 3})
    {'points': 9, 'max_points': 15, 'percent': 60.0}
    >>> rubric_score({"problem questions": 2})
    Traceback (most recent call last):
    ...
    ValueError: 'problem questions' can score 0, 1 or 3, not 2
    """
    rubric = {row["criterion"]: row for row in SPIN_RUBRIC}
    total = 0
    for criterion, points in scores.items():
        if criterion not in rubric:
            raise ValueError(f"no rubric criterion called {criterion!r}; choose from: {', '.join(rubric)}")
        allowed = (0, rubric[criterion]["partial"], rubric[criterion]["max_points"])
        if points not in allowed:
            raise ValueError(f"{criterion!r} can score {allowed[0]}, {allowed[1]} or {allowed[2]}, not {points}")
        total += points
    most = sum(row["max_points"] for row in SPIN_RUBRIC)
    return {"points": total, "max_points": most, "percent": round(100 * total / most, 1)}


def is_question(text):
    """Whether a line of dialogue asks a question (it contains ``?`` or the Chinese ``？``).

    Examples
    --------
    >>> is_question("Our printer prints 40 pages a minute.")
    False
    >>> is_question("How many pages do you print a day?")
    True
    >>> is_question("您现在用的是哪种打印机？")
    True
    """
    return "?" in str(text) or "？" in str(text)


def question_share(lines, speaker="seller", text="text_en"):
    """The share of one speaker's turns that ask at least one question.

    A rough measure of how much a seller listens: a seller who only presents
    or argues asks few questions; a SPIN conversation is built from them.

    Parameters
    ----------
    lines : pandas.DataFrame
        Dialogue turns with columns ``speaker`` and ``text`` (e.g. rows of
        ``selling_dialogue_lines``).
    speaker : str
        Whose turns to count (``"seller"`` or ``"customer"``).
    text : str
        The column holding the words of each turn.

    Returns
    -------
    float
        Turns with a question ÷ all turns of ``speaker``; ``nan`` if the speaker
        has no turns.

    Examples
    --------
    >>> import pandas as pd
    >>> talk = pd.DataFrame({"speaker": ["seller", "customer", "seller", "seller"],
    ...                      "text_en": ["Hello.", "Hi?", "How do you print?", "It is fast."]})
    >>> round(question_share(talk), 3)
    0.333
    """
    own = lines.loc[lines["speaker"] == speaker, text]
    if own.empty:
        return float("nan")
    return float(own.map(is_question).mean())


def scene_script(lines, scene, language="en"):
    """One role-play scene as a script, one turn per line: ``Name: words``.

    Parameters
    ----------
    lines : pandas.DataFrame
        The ``selling_dialogue_lines`` dataset.
    scene : str
        A ``scene_id`` of that dataset.
    language : {"en", "zh"}
        Which text to show.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> print(scene_script(load_dataset("selling_dialogue_lines"), "argumentative").splitlines()[0])
    Manager Wang: Your quote is twenty per cent higher than what we pay now.
    """
    if language not in ("en", "zh"):
        raise ValueError("language must be 'en' or 'zh'")
    turns = lines[lines["scene_id"] == scene].sort_values("turn")
    if turns.empty:
        raise KeyError(f"no scene called {scene!r}; choose one of: {', '.join(lines['scene_id'].unique())}")
    name = "speaker_name_en" if language == "en" else "speaker_name_zh"
    sep = ": " if language == "en" else "："
    return "\n".join(f"{who}{sep}{words}" for who, words in zip(turns[name], turns[f"text_{language}"]))
