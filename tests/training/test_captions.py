"""WebVTT captions: exact cues from a valid file, a line-numbered reason for each bad one."""

import io
from itertools import pairwise
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.examples import examples
from training.captions import CaptionsError, Cue, captions_parse, captions_read
from training.media import video_duration

DEMO = Path(__file__).resolve().parents[2] / "training" / "demo_media"

VALID = (
    "\ufeffWEBVTT - Onboarding, part 1\r\n"
    "Kind: captions\r\n"
    "Language: en\r\n"
    "\r\n"
    "STYLE\r\n"
    "::cue { color: yellow }\r\n"
    "\r\n"
    "REGION\r\n"
    "id:fred width:40%\r\n"
    "\r\n"
    "NOTE This is a comment,\r\n"
    "over two lines.\r\n"
    "\r\n"
    "intro\r\n"
    "00:00.500 --> 00:03.000 align:start position:10%\r\n"
    "<v Ana>Welcome to the community!\r\n"
    "\r\n"
    "\r\n"
    "00:00:03.000 --> 00:00:06.250\r\n"
    "Two lines of one cue\r\n"
    "are joined with a space.\r\n"
    "\r\n"
    "NOTE\r\n"
    "A note between cues.\r\n"
    "\r\n"
    "3\r\n"
    "01:02:03.004 --> 01:02:05.000\r\n"
    "<i>Tom &amp; Jerry</i> say &lt;hello&gt;\r\n"
)

EXPECTED = [
    Cue(start=0.5, end=3.0, text="Ana: Welcome to the community!"),
    Cue(start=3.0, end=6.25, text="Two lines of one cue are joined with a space."),
    Cue(start=3723.004, end=3725.0, text="Tom & Jerry say <hello>"),
]


def test_a_valid_file_is_parsed_exactly():
    assert captions_parse(VALID) == EXPECTED


@pytest.mark.parametrize("newline", ["\n", "\r"])
def test_every_kind_of_line_ending(newline):
    assert captions_parse(VALID.replace("\r\n", newline)) == EXPECTED


def test_signature_alone_or_with_a_tab():
    cue = "\n\n00:01.000 --> 00:02.000\nHi"
    assert captions_parse("WEBVTT" + cue) == [Cue(1.0, 2.0, "Hi")]
    assert captions_parse("WEBVTT\tany text" + cue) == [Cue(1.0, 2.0, "Hi")]


def test_a_missing_blank_line_starts_the_next_cue_as_browsers_do():
    text = "WEBVTT\n00:01.000 --> 00:02.000\nOne\n00:02.000 --> 00:03.000\nTwo\n"
    assert captions_parse(text) == [Cue(1.0, 2.0, "One"), Cue(2.0, 3.0, "Two")]


def test_a_cue_may_have_no_text():
    assert captions_parse("WEBVTT\n\n00:01.000 --> 00:02.000\n") == [Cue(1.0, 2.0, "")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("<v Ana>Hello", "Ana: Hello"),
        ("<v.loud Ana Lopez>Hello</v>", "Ana Lopez: Hello"),
        ("<v Ana>Hi</v> <v Ben>Hey</v>", "Ana: Hi Ben: Hey"),
        ("<i>in</i> <b>bold</b> <u>under</u>", "in bold under"),
        ("<c.yellow.bg_blue>coloured</c>", "coloured"),
        ("<lang fr>bonjour</lang>", "bonjour"),
        ("One <00:00:01.000>two <00:01.500>three", "One two three"),
        ("&amp; &lt; &gt;", "& < >"),
        ("a&nbsp;b", "a\u00a0b"),
        ("&lrm;left&rlm;", "\u200eleft\u200f"),
        ("&lt;i&gt;not a tag&lt;/i&gt;", "<i>not a tag</i>"),
        ("  spaced \t out  ", "spaced out"),
    ],
)
def test_tags_are_stripped_and_entities_decoded(line, expected):
    assert captions_parse(f"WEBVTT\n\n00:01.000 --> 00:02.000\n{line}\n")[0].text == expected


# Bad files, each with the line to look at.


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Line 1: a captions file must start with the word WEBVTT."),
        (
            "1\n00:01.000 --> 00:02.000\nHi",
            "Line 1: a captions file must start with the word WEBVTT.",
        ),
        (
            "WEBVTTX\n\n00:01.000 --> 00:02.000\nHi",
            "Line 1: a captions file must start with the word WEBVTT.",
        ),
        (
            "\n\nWEBVTT\n\n00:01.000 --> 00:02.000\nHi",
            "Line 1: a captions file must start with the word WEBVTT.",
        ),
        (
            "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nFine\n\n00:01.5 --> 00:03.000\nHi",
            "Line 7: '00:01.5 --> 00:03.000' is not a valid cue timing.",
        ),
        (
            "WEBVTT\n\n00:60.000 --> 01:03.000\nHi",
            "Line 3: '00:60.000 --> 01:03.000' is not a valid cue timing.",
        ),
        (
            "WEBVTT\n\n61:00.000 --> 62:00.000\nHi",
            "Line 3: '61:00.000 --> 62:00.000' is not a valid cue timing.",
        ),
        (
            "WEBVTT\n\n00:01.000 -> 00:02.000\nHi",
            "Line 3: '00:01.000 -> 00:02.000' is not a valid cue timing.",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000x\nHi",
            "Line 3: '00:01.000 --> 00:02.000x' is not a valid cue timing.",
        ),
        (
            "WEBVTT\n\n00:01,000 --> 00:02,000\nHi",
            "Line 3: '00:01,000 --> 00:02,000' is not a valid cue timing.",
        ),
        (
            "WEBVTT\n\n1\n00:00:05.000 --> 00:00:03.000\nHi",
            "Line 4: the cue ends at 00:00:03.000, which is not after its start at 00:00:05.000.",
        ),
        (
            "WEBVTT\n\n00:02.000 --> 00:02.000\nHi",
            "Line 3: the cue ends at 00:02.000, which is not after its start at 00:02.000.",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nOne\n\nHello there\nGeneral\n",
            "Line 7: 'General' should be a cue timing such as '00:00:01.000 --> 00:00:04.000'.",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nOne\n\nlonely-identifier\n",
            "Line 6: 'lonely-identifier' is not followed by a cue timing such as "
            "'00:00:01.000 --> 00:00:04.000'.",
        ),
        (
            "WEBVTT\n\n00:05.000 --> 00:06.000\nOne\n\n00:04.000 --> 00:07.000\nTwo",
            "Line 6: this cue starts at 00:00:04.000, before the cue above it (00:00:05.000); "
            "put cues in order.",
        ),
        ("WEBVTT\n", "The captions file has no cues."),
        ("WEBVTT\n\nNOTE only a note\n\nSTYLE\n::cue {}\n", "The captions file has no cues."),
    ],
    ids=[
        "empty",
        "no-signature",
        "signature-glued",
        "signature-late",
        "short-fraction",
        "seconds-60",
        "minutes-61",
        "bad-arrow",
        "glued-setting",
        "srt-comma",
        "end-before-start",
        "end-equals-start",
        "text-without-timing",
        "identifier-alone",
        "out-of-order",
        "no-cues",
        "only-notes",
    ],
)
def test_bad_files_name_the_line(text, message):
    with pytest.raises(CaptionsError) as error:
        captions_parse(text)
    assert str(error.value) == message


def test_line_numbers_count_crlf_lines_once():
    text = "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nOk\r\n\r\n00:03 --> 00:04.000\r\nBad\r\n"
    with pytest.raises(CaptionsError, match=r"^Line 6: '00:03 --> 00:04.000'"):
        captions_parse(text)


def test_long_lines_are_shortened_in_messages():
    with pytest.raises(CaptionsError) as error:
        captions_parse("WEBVTT\n\n00:01.000 --> 00:02 " + "x" * 200 + "y\nHi")
    assert str(error.value).startswith("Line 3: '00:01.000 --> 00:02 xxx")
    assert "x" * 100 not in str(error.value)
    assert len(str(error.value)) < 120


# Reading uploads.


def test_reading_an_upload():
    upload = SimpleUploadedFile("captions.vtt", VALID.encode(), content_type="text/vtt")
    upload.read()  # wherever it was left, it is read from the start
    assert captions_read(upload) == EXPECTED


def test_a_file_not_in_utf8_names_the_first_bad_line():
    data = "WEBVTT\n\n00:01.000 --> 00:02.000\nCaf\u00e9\n".encode("latin-1")
    with pytest.raises(CaptionsError) as error:
        captions_read(io.BytesIO(data))
    assert str(error.value) == (
        "Line 4: the captions file is not saved as UTF-8 text; "
        "save it again as UTF-8 and upload it."
    )


def test_a_file_over_2_mb_is_refused_without_being_parsed():
    cue = "00:01.000 --> 00:02.000\nHi\n\n"
    data = ("WEBVTT\n\n" + cue * (2 * 1024 * 1024 // len(cue) + 1)).encode()
    with pytest.raises(CaptionsError, match="over 2 MB"):
        captions_read(io.BytesIO(data))


def test_a_file_of_exactly_2_mb_is_read():
    head = "WEBVTT\n\n00:01.000 --> 00:02.000\n"
    data = (head + "a" * (2 * 1024 * 1024 - len(head))).encode()
    assert captions_read(io.BytesIO(data))[0].end == 2.0


# The demo captions.


@pytest.mark.parametrize("clip", ["wiifm", "recorded_session"])
def test_demo_captions_cover_their_clip(clip):
    with (DEMO / f"{clip}.vtt").open("rb") as file:
        cues = captions_read(file)
    with (DEMO / f"{clip}.webm").open("rb") as file:
        duration = video_duration(file)
    assert cues[-1].end <= duration
    # Captions run from the first seconds to the last, with no silent stretch over 1 s.
    assert cues[0].start < 1.0
    assert duration - cues[-1].end < 1.0
    gaps = [later.start - earlier.end for earlier, later in pairwise(cues)]
    assert max(gaps) < 1.0
    assert all(cue.text for cue in cues)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("WEBVT NOTE\n\r\t-->0123456789:.<>v&;amp")), max_size=200)
)
def test_arbitrary_text_only_raises_captions_error(text):
    try:
        cues = captions_parse("WEBVTT\n\n" + text)
    except CaptionsError as error:
        assert str(error).endswith(".")
    else:
        assert cues
        assert all(cue.end > cue.start >= 0 for cue in cues)
