#!/usr/bin/env bash
# Makes the demo videos in this folder: wiifm.webm (40 s) and recorded_session.webm (3 min).
#
# DEV-TIME ONLY. The portal never runs this, and the product never calls ffmpeg: the clips are
# checked in, and uploads are read in pure Python (training/media.py). Re-run it only to change
# the demo clips, then check that the captions (wiifm.vtt, recorded_session.vtt, written by hand
# to match the slides below) still fit: `pytest tests/training/test_captions.py`.
#
# Needs: ffmpeg with libvpx (VP9) and libfreetype (drawtext), and the DejaVu fonts
# (Debian: apt-get install ffmpeg fonts-dejavu-core). Usage: training/demo_media/make_clips.sh
#
# The clips are plain slides: a calm dark-blue background (teal for chapter cards), large white
# DejaVu Sans text, 640x360, 10 frames a second, VP9 in WebM, no sound track (the captions carry
# the narration, and a video without sound has no autoplay restrictions). A key frame starts
# every slide, so seeking to a chapter shows it at once. Output is deterministic for a given
# ffmpeg/libvpx build: one encoder thread, bit-exact muxing, no dates or encoder versions.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
FONTS=/usr/share/fonts/truetype/dejavu
REGULAR=$FONTS/DejaVuSans.ttf
BOLD=$FONTS/DejaVuSans-Bold.ttf

# WCAG contrast ratios: white text 11.6:1 on the blue, 7.9:1 on the teal; the lighter greys
# below are above 4.5:1 on both, as small text needs.
BACKGROUND=0x163A5F # dark blue
CHAPTER=0x0E5A66    # teal, for chapter cards
ACCENT=0x7FD8CF     # the short bar under titles
SUBTLE=0xD6E6F2     # subtitles: 9.1:1 on the blue, 6.2:1 on the teal
FOOTER=0xBCD0E2     # the footer line: 7.3:1 on the blue, 5.0:1 on the teal

for font in "$REGULAR" "$BOLD"; do
    [[ -f $font ]] || { echo "missing font $font (apt-get install fonts-dejavu-core)" >&2; exit 1; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# begin CLIP: start a new filter graph for CLIP.
begin() {
    CLIP=$1
    GRAPH=$WORK/$CLIP.graph
    KEYS=()
    COUNT=0
    : >"$GRAPH"
}

# text FILE: the remaining arguments, one a line, written to FILE without a final newline
# (drawtext would draw it as an empty line). A text file, unlike drawtext's text=, needs no
# escaping of the apostrophes and colons the slides are full of.
text() {
    local file=$1
    shift
    printf '%s\n' "$@" | head -c -1 >"$file"
}

# draw OPTIONS: one drawtext filter with the fixed options every caption on a slide shares.
draw() {
    printf "drawtext=expansion=none:fontcolor=white:%s,\n" "$1" >>"$GRAPH"
}

# slide START END KIND TITLE [LINE...]: a slide shown from START to END seconds.
# KIND is "title" (centred), "chapter" (teal card) or "content" (title, bar, body lines).
slide() {
    local start=$1 end=$2 kind=$3 title=$4
    shift 4
    COUNT=$((COUNT + 1))
    local on="enable='gte(t,$start)*lt(t,$end)'"
    local title_file=$WORK/$CLIP-$COUNT-title.txt body_file=$WORK/$CLIP-$COUNT-body.txt
    text "$title_file" "$title"
    text "$body_file" "$@"
    KEYS+=("$start")
    case $kind in
    title)
        draw "fontfile=$BOLD:fontsize=32:textfile=$title_file:x=(w-text_w)/2:y=118:$on"
        printf "drawbox=x=(iw-72)/2:y=170:w=72:h=5:color=%s:t=fill:%s,\n" "$ACCENT" "$on" >>"$GRAPH"
        # One drawtext a line, so that each line is centred on its own.
        local line y=196
        for line in "$@"; do
            COUNT=$((COUNT + 1))
            text "$WORK/$CLIP-$COUNT-line.txt" "$line"
            draw "fontfile=$REGULAR:fontsize=24:fontcolor=$SUBTLE:textfile=$WORK/$CLIP-$COUNT-line.txt:x=(w-text_w)/2:y=$y:$on"
            y=$((y + 36))
        done
        ;;
    chapter)
        printf "drawbox=x=0:y=0:w=iw:h=ih:color=%s:t=fill:%s,\n" "$CHAPTER" "$on" >>"$GRAPH"
        draw "fontfile=$BOLD:fontsize=36:textfile=$title_file:x=56:y=150:$on"
        printf "drawbox=x=56:y=208:w=72:h=5:color=%s:t=fill:%s,\n" "$ACCENT" "$on" >>"$GRAPH"
        draw "fontfile=$REGULAR:fontsize=24:fontcolor=$SUBTLE:textfile=$body_file:x=56:y=232:$on"
        ;;
    content)
        draw "fontfile=$BOLD:fontsize=34:textfile=$title_file:x=56:y=52:$on"
        printf "drawbox=x=56:y=104:w=72:h=5:color=%s:t=fill:%s,\n" "$ACCENT" "$on" >>"$GRAPH"
        draw "fontfile=$REGULAR:fontsize=25:line_spacing=18:textfile=$body_file:x=56:y=138:$on"
        ;;
    *)
        echo "unknown slide kind $kind" >&2
        exit 1
        ;;
    esac
}

# finish DURATION: encode the slides so far into $CLIP.webm, DURATION seconds long.
finish() {
    local duration=$1 footer=$WORK/$CLIP-footer.txt
    text "$footer" "Community Advocacy Portal"
    draw "fontfile=$REGULAR:fontsize=14:fontcolor=$FOOTER:textfile=$footer:x=56:y=h-34"
    echo "format=yuv420p" >>"$GRAPH"
    local keys
    keys=$(IFS=,; echo "${KEYS[*]}")
    ffmpeg -hide_banner -loglevel error -y \
        -f lavfi -i "color=c=$BACKGROUND:s=640x360:r=10:d=$duration" \
        -filter_script:v "$GRAPH" \
        -c:v libvpx-vp9 -b:v 0 -crf 38 -deadline good -cpu-used 1 -row-mt 0 -threads 1 \
        -g 100 -force_key_frames "$keys" \
        -fflags +bitexact -flags +bitexact -map_metadata -1 -cues_to_front 1 \
        "$HERE/$CLIP.webm"
    echo "$CLIP.webm: $(stat -c %s "$HERE/$CLIP.webm") bytes, ${duration} s, slides at ${keys} s"
}

# What's in it for me (WIIFM): 40 seconds, for the start of every staff member's path.
begin wiifm
slide 0 6 title "What's in it for me?" "...and for my customers"
slide 6 17 content "For you:" \
    "• Answers from colleagues, in minutes" \
    "• Your expertise, seen company-wide" \
    "• A clear path, from learner to champion"
slide 17 28 content "For your customers:" \
    "• Answers where they already look" \
    "• Real people, not scripts" \
    "• Problems fixed before they escalate"
slide 28 35 content "It takes little time" \
    "• FAQ guide: about 10 minutes" \
    "• Training: 30 minutes" \
    "• Office hours: weekly, if you want them"
slide 35 40 title "Next: the 30-minute training" "Then a short knowledge check"
finish 40

# A recorded training session: 3 minutes in four chapters, for the training module's demo.
# Chapters start at 0:12, 0:54, 1:36 and 2:18; the closing card at 2:52.
begin recorded_session
slide 0 12 title "Speaking for our community" \
    "A recorded training session" \
    "Four chapters, about 3 minutes"
slide 12 16 chapter "1. Why our community" "Chapter 1 of 4"
slide 16 35 content "Why our community" \
    "• Customers ask each other before us" \
    "• One public answer helps many people" \
    "• Your knowledge reaches further there"
slide 35 54 content "What changes for you" \
    "• Fewer repeat questions in your inbox" \
    "• Feedback straight from real users" \
    "• Recognition, from member to champion"
slide 54 58 chapter "2. Rules of engagement" "Chapter 2 of 4"
slide 58 77 content "Rules of engagement" \
    "• Say that you work here, every time" \
    "• Share only what is already public" \
    "• No promises on dates, prices or plans"
slide 77 96 content "When it gets hard" \
    "• Stay calm and polite, whatever others do" \
    "• Take account details to a private channel" \
    "• Unsure? Ask a community manager first"
slide 96 100 chapter "3. Answering a customer" "Chapter 3 of 4"
slide 100 119 content "A good answer" \
    "• Thank them, and restate the question" \
    "• Answer in plain words, with a link" \
    "• Check back: did it solve the problem?"
slide 119 138 content "An example" \
    "“Thanks, Priya! To export your report," \
    "open Settings, then Export. The guide" \
    "has pictures. Did that work for you?”"
slide 138 142 chapter "4. Where to get help" "Chapter 4 of 4"
slide 142 157 content "Where to get help" \
    "• The FAQ guide, in this portal" \
    "• Office hours: book a slot each week" \
    "• Your community managers, by chat"
slide 157 172 content "Becoming a champion" \
    "• Answer regularly, and help others start" \
    "• Your tier shows on your path" \
    "• Champions meet the team every month"
slide 172 180 title "Next: the knowledge check" "Five questions, about 5 minutes"
finish 180
