/** The colleagues a private note mentions: `@name` for any member's name, longest names first. Pure. */
export function mentionedMembers(text: string, members: { id: string; name: string }[]): string[] {
  const found: string[] = [];
  let rest = text;
  for (const member of [...members].sort((a, b) => b.name.length - a.name.length)) {
    const token = `@${member.name}`;
    if (rest.includes(token)) {
      found.push(member.id);
      rest = rest.split(token).join(" ");
    }
  }
  return found;
}
