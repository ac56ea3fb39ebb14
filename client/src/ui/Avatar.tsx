import { hueOf, initials } from '../lib/format';

export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hueOf(name)} 55% 42%)` }}
    >
      {initials(name)}
    </span>
  );
}
