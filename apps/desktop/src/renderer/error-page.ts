// The start-up error page: shows what main put in its query (title, message, log path) and sends Retry/Quit.
interface DesktopBridge {
  retry(): void;
  quit(): void;
}

const params = new URLSearchParams(window.location.search);
const text = (id: string, value: string | null) => {
  const element = document.getElementById(id);
  if (element) element.textContent = value ?? '';
};
text('title', params.get('title'));
text('message', params.get('message'));
text('log', params.get('log'));
const bridge = (window as unknown as { restflowDesktop?: DesktopBridge }).restflowDesktop;
document.getElementById('retry')?.addEventListener('click', () => bridge?.retry());
document.getElementById('quit')?.addEventListener('click', () => bridge?.quit());
