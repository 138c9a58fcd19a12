/* A series' hosts in the admin: "Choose hosts" opens Wagtail's chooser with several choices
   allowed; each chosen person is added once, by name, with a hidden input carrying their id;
   "Remove" takes one off and puts focus back on the button. Text is set with textContent only. */
(() => {
  function hostsChooser(root) {
    const list = root.querySelector('[data-hosts-list]');
    const empty = root.querySelector('[data-hosts-empty]');
    const choose = root.querySelector('[data-choose-hosts]');
    const fieldName = root.dataset.name;

    const refresh = () => {
      empty.hidden = list.children.length > 0;
    };

    const add = (id, name) => {
      if ([...list.children].some((item) => item.dataset.hostId === String(id))) return;
      const item = document.createElement('li');
      item.className = 'hosts-chooser__host w-flex w-items-center w-gap-2 w-mb-1';
      item.dataset.hostId = String(id);
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = fieldName;
      input.value = String(id);
      const label = document.createElement('span');
      label.className = 'hosts-chooser__name';
      label.textContent = name;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button button-small button-secondary';
      remove.dataset.removeHost = '';
      remove.textContent = 'Remove';
      const hidden = document.createElement('span');
      hidden.className = 'w-sr-only';
      hidden.textContent = ` ${name}`;
      remove.append(hidden);
      item.append(input, label, ' ', remove);
      list.append(item);
    };

    root.addEventListener('click', (event) => {
      const remove = event.target.closest('[data-remove-host]');
      if (!remove) return;
      remove.closest('li').remove();
      refresh();
      choose.focus();
    });

    choose.addEventListener('click', () => {
      // eslint-disable-next-line no-undef
      ModalWorkflow({
        url: root.dataset.chooserUrl,
        urlParams: { multiple: 1 },
        // eslint-disable-next-line no-undef
        onload: new ChooserModalOnloadHandlerFactory().getOnLoadHandlers(),
        responses: {
          chosen: (result) => {
            (Array.isArray(result) ? result : [result]).forEach((host) =>
              add(host.id, host.title),
            );
            refresh();
            choose.focus();
          },
        },
      });
    });
  }

  const start = () =>
    document.querySelectorAll('[data-hosts-chooser]').forEach(hostsChooser);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
