/** `jane.doe@example.com` → `j•••@example.com`: enough for the person to recognise, too little to harvest. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${Array.from(address)[0]}•••${address.slice(at)}`;
}
