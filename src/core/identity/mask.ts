/** `jane.doe@example.com` → `j•••@example.com`: enough for the person to recognise, too little to harvest. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${Array.from(address)[0]}•••${address.slice(at)}`;
}

/** `+447700900123` → `•••• 0123`: the last four digits only. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  return `•••• ${digits.slice(-4)}`;
}
