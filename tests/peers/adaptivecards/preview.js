// Renders Adaptive Cards the way a Teams client does (Microsoft's renderer for HTML, markdown
// through markdown-it, a Teams-like host config), from the JSON the test hands over.
window.cardsRender = (cards, hostConfig) => {
  const chat = document.getElementById("chat");
  chat.replaceChildren();
  window.cardWarnings = [];
  window.openedUrls = [];
  for (const [name, payload] of cards) {
    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
    // a link button's address; a button that acts in place (Action.Execute): its verb and data
    card.onExecuteAction = (action) =>
      window.openedUrls.push(action.url ?? `${action.verb} ${JSON.stringify(action.data)}`);
    const context = new AdaptiveCards.SerializationContext();
    card.parse(payload, context);
    for (let i = 0; i < context.eventCount; i++) {
      window.cardWarnings.push(`${name}: ${context.getEventAt(i).message}`);
    }
    const item = document.createElement("li");
    item.className = "message";
    item.dataset.card = name;
    const avatar = document.createElement("div");
    avatar.className = "avatar";
    avatar.setAttribute("aria-hidden", "true");
    avatar.textContent = "CP";
    const column = document.createElement("div");
    const sender = document.createElement("p");
    sender.className = "sender";
    sender.innerHTML = "<b>Community portal</b>09:41";
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.append(card.render());
    column.append(sender, bubble);
    item.append(avatar, column);
    chat.append(item);
  }
};
