// A gentle hint while typing; the server decides (length, common passwords, zxcvbn: S1, S2).

export function passwordHint(password) {
  const length = [...password.normalize('NFKC')].length;
  if (length === 0) return { level: 'none', text: 'Use at least 12 characters. Three random words work well.' };
  if (length < 12) return { level: 'weak', text: `Too short: ${12 - length} more character${12 - length === 1 ? '' : 's'} needed.` };
  if (length > 128) return { level: 'weak', text: 'Too long: at most 128 characters.' };
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const words = password.trim().split(/\s+/).length;
  const distinct = new Set(password.toLowerCase()).size;
  if (distinct < 6) return { level: 'weak', text: 'Too many repeated characters. Try three random words.' };
  if (length >= 20 || words >= 3 || (length >= 14 && kinds >= 3)) {
    return { level: 'good', text: 'Looks strong. We will check it isn’t a common password.' };
  }
  return { level: 'fair', text: 'Could be stronger: a longer phrase of three random words is best.' };
}

export function pinHint(pin) {
  if (pin === '') return '6 to 8 digits. Avoid repeats like 000000 and runs like 123456.';
  if (!/^\d+$/.test(pin)) return 'Digits only, please.';
  if (pin.length < 6) return `${6 - pin.length} more digit${6 - pin.length === 1 ? '' : 's'} needed.`;
  if (pin.length > 8) return 'At most 8 digits.';
  if (/^(\d)\1+$/.test(pin)) return 'Avoid the same digit repeated.';
  return 'Fine. We will check it isn’t an easily guessed PIN.';
}
