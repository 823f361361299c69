import { createRoot } from 'react-dom/client';
function App() { return <div>Xin chào</div>; }
createRoot(document.getElementById('root')!).render(<App />);
