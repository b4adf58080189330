// Built once: constructing an Intl.NumberFormat costs far more than formatting with it.
const FRENCH_NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/**
 * A number as a French reader writes it: a decimal comma and at most two decimals (« 12,5 km »,
 * « 2,5 »), never the dot of `String(12.5)`.
 */
export function formatFrenchNumber(value: number): string {
  return FRENCH_NUMBER.format(value);
}

/**
 * A share from 0 to 1 as a whole French percentage (« 62 % »). A share above none or short of all is never
 * rounded to « 0 % » or « 100 % », which read as nobody and everyone: « moins de 1 % », « plus de 99 % ».
 */
export function formatFrenchPercent(share: number): string {
  const percent = Math.round(share * 100);
  if (percent <= 0 && share > 0) return 'moins de 1 %';
  if (percent >= 100 && share < 1) return 'plus de 99 %';
  return `${percent} %`;
}
