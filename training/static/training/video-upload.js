/* A training video goes straight to storage, in parts, with its progress shown
   (training/video_upload_field.py, training/video_upload_views.py).

   Choosing a file asks the portal to start an upload (a wrong kind or a file over 2 GB is
   refused in words at once), then PUTs the file's parts to the addresses the portal hands out:
   presigned addresses of the bucket (a few parts at once), or the portal's own (one after
   another). A part that fails is sent again after a pause that doubles, five tries in all.
   A bucket answers each part with its ETag, which the browser keeps and sends to finish (the
   bucket's CORS rule must expose the ETag header). Then the portal finishes the upload, the
   hidden field gets the upload's id and the file input is emptied, so saving the form sends the id, never the video. Saving while parts are still on
   their way waits for them, then saves. Cancel, or choosing another file, aborts the upload.

   The bar and its text move with every part; the status line, a live region, speaks at each
   tenth and at each change of state, so a screen reader is told without being flooded.
   Text is set with textContent only. */
(() => {
  const TRIES = 5;
  const URLS_AT_ONCE = 10;

  class Cancelled extends Error {}

  class Refused extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  const sleep = (ms) =>
    new Promise((resolve) => {
      window.setTimeout(resolve, ms);
    });

  const megabytes = (bytes) =>
    `${(bytes / 1e6).toLocaleString(undefined, { maximumFractionDigits: 1 })} MB`;

  const sameOrigin = (url) =>
    new URL(url, window.location.href).origin === window.location.origin;

  function videoUpload(root) {
    const input = root.querySelector('input[type=file]');
    const { form } = input;
    const idField = root.querySelector('[data-upload-id]');
    const nameField = root.querySelector('[data-upload-filename]');
    const box = root.querySelector('[data-upload-progress]');
    const bar = root.querySelector('[data-upload-bar]');
    const percent = root.querySelector('[data-upload-percent]');
    const status = root.querySelector('[data-upload-status]');
    const cancelButton = root.querySelector('[data-upload-cancel]');
    const required = input.required;
    let job = null; // the upload under way
    let finished = null; // the last finished one, until the form is saved or it is replaced
    let saveWaiting = false;
    let saveButton = null;

    const csrfToken = () =>
      form.querySelector('input[name=csrfmiddlewaretoken]')?.value || '';

    const say = (text, state = '') => {
      status.textContent = text;
      status.dataset.state = state;
    };

    async function api(url, body) {
      let response;
      try {
        response = await fetch(url, {
          method: 'POST',
          credentials: 'same-origin',
          headers: {
            Accept: 'application/json',
            'Content-Type': 'application/json',
            'X-CSRFToken': csrfToken(),
            'X-Requested-With': 'XMLHttpRequest',
          },
          body: JSON.stringify(body || {}),
        });
      } catch (error) {
        throw new Error('The portal did not answer.');
      }
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        const text = answer.error || `The portal answered ${response.status}.`;
        // A refusal in words is final; the portal or the network being busy is not.
        if (response.status < 500) throw new Refused(text, response.status);
        throw new Error(text);
      }
      return answer;
    }

    async function tried(current, step) {
      for (let attempt = 1; ; attempt += 1) {
        if (current.cancelled) throw new Cancelled();
        try {
          return await step();
        } catch (error) {
          if (error instanceof Refused || attempt >= TRIES) throw error;
          await sleep(1000 * 2 ** (attempt - 1));
        }
      }
    }

    function put(current, number, url, blob, onProgress) {
      return new Promise((resolve, reject) => {
        const request = new XMLHttpRequest();
        current.requests.add(request);
        const done = (error) => {
          current.requests.delete(request);
          if (error) reject(error);
          else resolve();
        };
        request.open('PUT', url);
        if (sameOrigin(url)) {
          // Only the portal gets the token; a bucket's address carries its own signature.
          request.setRequestHeader('X-CSRFToken', csrfToken());
          request.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
        }
        request.upload.addEventListener('progress', (event) => onProgress(event.loaded));
        request.addEventListener('load', () => {
          if (request.status >= 300) {
            done(new Error(`answered ${request.status}`));
          } else if (!sameOrigin(url) && !request.getResponseHeader('ETag')) {
            done(new Refused('the bucket does not let the browser read its ETag header'));
          } else {
            current.etags[number] = request.getResponseHeader('ETag');
            done(null);
          }
        });
        request.addEventListener('error', () => done(new Error('no answer')));
        request.addEventListener('abort', () => done(new Cancelled()));
        request.send(blob);
      });
    }

    function progress(current, upload) {
      let sent = 0;
      current.sent.forEach((bytes) => {
        sent += bytes;
      });
      sent = Math.min(sent, upload.size);
      const share = Math.floor((100 * sent) / upload.size);
      bar.value = share;
      percent.textContent = `${share} % (${megabytes(sent)} of ${megabytes(upload.size)})`;
      const tenth = Math.floor(share / 10) * 10;
      if (tenth > current.spoken) {
        current.spoken = tenth;
        say(`Uploading “${upload.filename}”: ${tenth} % sent.`);
      }
    }

    async function partsSend(current, file, upload) {
      const urls = new Map();
      let next = 1;

      const addressOf = async (number) => {
        if (!urls.has(number)) {
          const numbers = [];
          for (let n = number; n <= upload.parts && numbers.length < URLS_AT_ONCE; n += 1) {
            if (n === number || (!urls.has(n) && n >= next)) numbers.push(n);
          }
          const answer = await api(upload.parts_url, { parts: numbers });
          Object.entries(answer.urls).forEach(([n, url]) => urls.set(Number(n), url));
        }
        return urls.get(number);
      };

      const partSend = async (number) => {
        const start = (number - 1) * upload.part_bytes;
        const blob = file.slice(start, Math.min(start + upload.part_bytes, upload.size));
        for (let attempt = 1; ; attempt += 1) {
          if (current.cancelled) throw new Cancelled();
          try {
            const url = await addressOf(number);
            await put(current, number, url, blob, (bytes) => {
              current.sent.set(number, bytes);
              progress(current, upload);
            });
            current.sent.set(number, blob.size);
            progress(current, upload);
            return;
          } catch (error) {
            if (current.cancelled || error instanceof Cancelled) throw new Cancelled();
            if (error instanceof Refused || attempt >= TRIES) {
              throw new Error(
                `Part ${number} of ${upload.parts} could not be sent (${error.message}).`,
              );
            }
            current.sent.set(number, 0);
            urls.delete(number); // it may have expired: ask for a fresh one
            progress(current, upload);
            say(`Part ${number} of ${upload.parts} did not arrive; sending it again.`);
            await sleep(1000 * 2 ** (attempt - 1));
          }
        }
      };

      const worker = async () => {
        while (next <= upload.parts) {
          const number = next;
          next += 1;
          await partSend(number);
        }
      };
      await Promise.all(Array.from({ length: upload.parallel }, worker));
    }

    function stop(current) {
      current.cancelled = true;
      current.requests.forEach((request) => request.abort());
      if (current.upload) api(current.upload.abort_url).catch(() => {});
    }

    function forgetFinished() {
      if (finished) api(finished.abort_url).catch(() => {});
      finished = null;
      idField.value = '';
      nameField.value = '';
      input.required = required;
    }

    async function send(file) {
      if (job) stop(job);
      forgetFinished();
      const current = {
        cancelled: false,
        requests: new Set(),
        sent: new Map(),
        etags: {},
        spoken: -1,
      };
      job = current;
      box.hidden = false;
      bar.value = 0;
      percent.textContent = '';
      say(`Starting the upload of “${file.name}”…`);
      try {
        const upload = await api(root.dataset.startUrl, {
          filename: file.name,
          size: file.size,
        });
        current.upload = upload;
        if (current.cancelled) throw new Cancelled();
        progress(current, upload);
        await partsSend(current, file, upload);
        say(`Every part of “${upload.filename}” was sent; putting it together…`);
        const done = await tried(current, () =>
          api(upload.finish_url, { etags: current.etags }),
        );
        if (current.cancelled) throw new Cancelled();
        job = null;
        finished = upload;
        idField.value = done.id;
        nameField.value = done.filename;
        input.value = ''; // the form must not carry the video as well
        input.required = false;
        bar.value = 100;
        percent.textContent = `100 % (${megabytes(done.size)})`;
        cancelButton.hidden = true;
        say(
          `“${done.filename}” has arrived in storage (${megabytes(done.size)}); it is saved with the form.`,
          'done',
        );
        if (saveWaiting) {
          saveWaiting = false;
          say(`“${done.filename}” has arrived in storage; saving the form…`, 'done');
          form.requestSubmit(saveButton && saveButton.form === form ? saveButton : undefined);
        }
      } catch (error) {
        if (job === current) job = null;
        if (error instanceof Cancelled) return;
        stop(current);
        input.value = '';
        box.hidden = true;
        const waited = saveWaiting ? ' The form was not saved.' : '';
        saveWaiting = false;
        say(`The video was not uploaded: ${error.message}${waited}`, 'error');
      }
    }

    input.addEventListener('change', () => {
      if (input.files.length) {
        cancelButton.hidden = false;
        send(input.files[0]);
      }
    });

    cancelButton.addEventListener('click', () => {
      if (job) stop(job);
      job = null;
      saveWaiting = false;
      input.value = '';
      box.hidden = true;
      say('Upload cancelled.');
      input.focus();
    });

    // Saving while parts are on their way: wait for them, then save with the same button.
    form.addEventListener(
      'submit',
      (event) => {
        if (!job) {
          finished = null; // saved with the form: it is the video's file now
          return;
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        saveWaiting = true;
        saveButton = event.submitter;
        say('The form will be saved as soon as the video has arrived.');
      },
      true,
    );
  }

  const start = () => document.querySelectorAll('[data-video-upload]').forEach(videoUpload);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
