"""The harness's axe check reads what changed after a page's first check: a problem added by a
swap, or by a change to an element's style, fails the next check as it fails a whole page's."""

import pytest


@pytest.fixture
def home(sign_in_as, staff_user):
    portal = sign_in_as(staff_user)
    portal.goto("/")  # its first check reads the whole document
    return portal


def test_an_image_without_a_name_swapped_in_fails_the_next_check(home):
    home.page.evaluate(
        """() => {
          const part = document.createElement("section");
          part.innerHTML = '<h2>New</h2><p>Swapped in</p><img src="/static/missing.png">';
          document.querySelector("main").append(part);
        }"""
    )
    with pytest.raises(AssertionError, match="image-alt"):
        home.check_a11y()


def test_text_made_faint_fails_the_next_check(home):
    home.page.evaluate(
        """() => document.querySelector("main").append(
             Object.assign(document.createElement("p"), {id: "words", textContent: "Words"}))"""
    )
    home.check_a11y()  # swapped in as it should be
    home.page.evaluate(
        """() => Object.assign(document.getElementById("words").style,
             {color: "#777", backgroundColor: "#888"})"""
    )
    with pytest.raises(AssertionError, match="color-contrast"):
        home.check_a11y()  # only its style attribute changed


def test_a_change_to_the_document_itself_is_read_with_all_of_it(home):
    home.page.evaluate("() => { document.documentElement.lang = 'qq-nonsense'; }")
    with pytest.raises(AssertionError, match="html-lang-valid"):
        home.check_a11y()


def test_a_new_viewport_is_read_whole(home):
    """Resized to a phone, nothing in the page changes but what its media queries apply."""
    home.page.evaluate(
        """() => {
          const phone = new CSSStyleSheet();
          phone.replaceSync(
            "@media (max-width: 500px) { #words { color: #777; background: #888 } }");
          document.adoptedStyleSheets = [...document.adoptedStyleSheets, phone];
          document.querySelector("main").append(
            Object.assign(document.createElement("p"), {id: "words", textContent: "Words"}));
        }"""
    )
    home.check_a11y()  # at the desktop's width the words read well
    home.page.set_viewport_size({"width": 390, "height": 844})
    with pytest.raises(AssertionError, match="color-contrast"):
        home.check_a11y()
