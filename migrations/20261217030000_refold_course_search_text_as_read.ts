/**
 * Folds the search text of the courses already stored again, now that it is folded as a reader reads
 * it (compatibility forms such as the ligature "ﬁ" written plainly, invisible characters such as a soft
 * hyphen dropped, every dash the hyphen-minus): "certificat" then finds a course titled "Certiﬁcat"
 * pasted from a PDF, and "aide-soignant" one written with a non-breaking hyphen. The same pass over the
 * catalog as the apostrophes' refold, which writes only the rows whose text changes.
 */
export { down, up } from './20261130160000_refold_course_search_text.ts';
