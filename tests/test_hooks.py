"""Hooks in the candidate's words that a follow-up builds on."""

from interviewer.hooks import component_hook, hooks_in, number_hook

COMPONENTS = [("Redis", ["Redis"]), ("cache", ["cache"]), ("worker pool", ["worker pool", "workers"])]


def test_the_most_telling_number_is_quoted_verbatim() -> None:
    answer = ("So 120 million new links a month is about 46 writes per second, and at a hundred reads per write "
              "that's 4,600 redirects per second on average, maybe 20,000 at peak.")
    hook = number_hook(answer)
    assert hook is not None and hook.text == "4,600 redirects per second on average" and hook.text in answer
    ride = ("3 million drivers every 4 seconds is 750,000 location writes a second at peak, about 50 bytes each. "
            "20 million rides a day is about 230 trips a second, maybe 1,000 at the evening peak.")
    assert number_hook(ride).text == "750,000 location writes a second at peak"  # type: ignore[union-attr]
    assert number_hook("The median is 35 minutes, roughly 8,000 tokens.").text == "8,000 tokens"  # type: ignore[union-attr]
    assert number_hook("We have 3 engineers and a plan.") is None
    assert number_hook("How many users, 100 million?") is None


def test_a_component_reads_as_a_proper_name_or_as_the_candidates_own() -> None:
    assert component_hook("Hot links live in Redis with a TTL.", COMPONENTS).text == "Redis"  # type: ignore[union-attr]
    assert component_hook("The workers call the vendor.", COMPONENTS).text == "your worker pool"  # type: ignore[union-attr]
    assert component_hook("A cache in front, then Redis.", COMPONENTS).text == "your cache"  # type: ignore[union-attr]
    assert component_hook("A cache in front, then Redis.", COMPONENTS, frozenset({"your cache"})).text == "Redis"  # type: ignore[union-attr]
    assert component_hook("Recache everything.", COMPONENTS) is None
    # "its queue" is the shard's, not a part of the design the interviewer could call "your queue"
    assert component_hook("The shard pegs a core and its cache fills up.", COMPONENTS) is None
    roles = [("tech lead", ["tech lead"])]
    assert component_hook("Last year I was the tech lead on checkout.", roles) is None
    assert component_hook("Our tech lead disagreed.", roles).text == "your tech lead"  # type: ignore[union-attr]


def test_an_answer_can_have_both_kinds() -> None:
    kinds = [h.kind for h in hooks_in("Redis serves 20,000 reads a second at peak.", COMPONENTS)]
    assert kinds == ["number", "rate", "component", "name"]
    kinds = [h.kind for h in hooks_in("The workers pull 20,000 jobs a second.", COMPONENTS)]
    assert kinds == ["number", "rate", "component"]
