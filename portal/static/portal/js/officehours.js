// Office hours, enhanced: "Book" asks for the topic once, in a dialog, and the feed address has a
// copy button. Without this script the Book form posts at once (the topic is optional) and the
// address stays selectable in its field.
(function () {
  var dialog = document.getElementById("book-dialog");
  var pending = null; // the session's Book form, while the dialog is open

  function fill(button) {
    dialog.querySelectorAll("[data-field]").forEach(function (element) {
      var value = button.dataset[element.dataset.field] || "";
      element.textContent = value;
      element.hidden = !value;
    });
    var title = dialog.querySelector("#book-dialog-title");
    title.textContent = button.dataset.action + ": " + button.dataset.title;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-book]");
    if (!button || !dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    pending = button.form;
    fill(button);
    dialog.querySelector("textarea").value = "";
    dialog.returnValue = "";
    dialog.showModal();
  });

  if (dialog) {
    dialog.addEventListener("close", function () {
      var form = pending;
      pending = null;
      if (!form || dialog.returnValue !== "book" || !document.contains(form)) return;
      form.elements.topic.value = dialog.querySelector("textarea").value;
      // htmx takes the submit event when it is loaded; otherwise the browser posts the form.
      form.requestSubmit();
    });
  }

  function say(status, text) {
    status.textContent = ""; // the same words again are read again
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  // The copy button for the calendar feed's address.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copy + "-status");
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          say(status, "Copied");
        },
        function () {
          field.select();
          say(status, "Could not copy: the address is selected, copy it with your keyboard.");
        }
      );
    });
  });
})();
