import type { Router } from 'express';
import { createCaseSensitiveRouter } from '../http/case-sensitive-router.ts';
import { readHeaderField } from '../http/header-text.ts';
import { requirePrincipal } from '../http/principal-context.ts';
import { erasureRequestFor } from './erasure.ts';
import type { ErasureService } from './erasure-service.ts';

const ERASURE_REQUEST_HEADER = 'x-erasure-request';

/** The admin's answer to a request for erasure; the contract admits the `admin` role only. */
export function createErasureRoutes(service: ErasureService): Router {
  const router = createCaseSensitiveRouter();

  router.delete('/v1/job-seekers/:seekerId', async function eraseJobSeeker(req, res) {
    const { erased, subjectKeyShredded, seq, storage } = await service.eraseJobSeeker(
      erasureRequestFor(
        requirePrincipal(req),
        req.params.seekerId,
        readHeaderField(req, ERASURE_REQUEST_HEADER),
      ),
    );
    // Counts only, no id: operators learn when the files could not be cleared at once.
    req.log[storage.complete ? 'info' : 'warn'](
      { erased, subjectKeyShredded, seq, storage },
      'job seeker erased',
    );
    res.status(204).end();
  });

  return router;
}
