import { Router } from 'express';
import { requirePrincipal } from '../http/principal-context.ts';
import type { ErasureService } from './erasure-service.ts';

export function createErasureRoutes(service: ErasureService): Router {
  const router = Router();

  router.delete('/v1/job-seekers/:seekerId', async function eraseJobSeeker(req, res) {
    const { erased, subjectKeyShredded, seq, storage } = await service.eraseJobSeeker(
      requirePrincipal(req),
      req.params.seekerId,
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
