// Masked display of a mainland mobile number: 138****1234. Staff only ever see this form; it is
// computed once by the server when the number is stored.
export const maskPhone = (national: string): string => {
  const digits = national.replace(/\D/g, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
};
