import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTx } from '../db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../kernel/index.js';
import { categorySchema, slugSchema } from '../contracts/index.js';
import { writeAudit } from '../domain/access/index.js';
import { actorLabel } from '../domain/incidents/index.js';
import { deleteArticle, getArticle, listArticles, searchKnowledge, upsertArticle, type KnowledgeArticle } from '../domain/knowledge/index.js';
import type { HttpContext } from './app-context.js';
import { actorOf, requireRole } from './auth.js';

const security = [{ bearer: [] }];
const params = z.object({ id: slugSchema });
const CONFIG_MANAGED = 'this article is declared in warroom.yaml (knowledge_base.articles); edit the file and run warroom apply';

const articleBody = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().max(100_000).describe('Markdown'),
  tags: z.array(z.string().trim().min(1).max(64)).max(30).default([]),
  service_ids: z.array(slugSchema).max(50).default([]).describe('Services whose incidents this article is most relevant to'),
  category: categorySchema.nullable().default(null).describe('The incident category this article is about'),
  url: z.url({ protocol: /^https?$/ }).nullable().default(null).describe('Where the full article lives, if elsewhere (http or https)'),
});

/** The knowledge base: markdown articles posted into war rooms when they match an incident. */
export async function knowledgeRoutes(base: FastifyInstance, ctx: HttpContext): Promise<void> {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const viewer = requireRole(ctx, 'viewer');
  const responder = requireRole(ctx, 'responder');

  app.get('/api/v1/knowledge', {
    preHandler: viewer,
    schema: {
      tags: ['knowledge'],
      summary: 'Search articles with ?q= (Chinese and English; items carry score and why), or list them without it',
      security,
      querystring: z.object({
        q: z.string().trim().min(1).max(1000).optional(),
        service: slugSchema.optional(),
        category: categorySchema.optional(),
        limit: z.coerce.number().int().min(1).max(100).optional(),
        offset: z.coerce.number().int().min(0).default(0),
      }),
    },
  }, async (request) => {
    const { q, service, category, limit, offset } = request.query;
    if (q !== undefined) {
      return { items: await searchKnowledge(ctx.db, { text: q, serviceId: service, category, limit: Math.min(limit ?? 10, 50) }) };
    }
    const articles = await listArticles(ctx.db, { serviceId: service, category, limit: limit ?? 100, offset });
    return { items: articles.map(summary) };
  });

  app.get('/api/v1/knowledge/:id', { preHandler: viewer, schema: { tags: ['knowledge'], summary: 'One article, with its markdown', security, params } }, async (request) => {
    const article = await getArticle(ctx.db, request.params.id);
    if (!article) throw new NotFoundError(`no knowledge-base article "${request.params.id}"`);
    return toDto(article);
  });

  app.put('/api/v1/knowledge/:id', {
    preHandler: responder,
    schema: {
      tags: ['knowledge'],
      summary: 'Create or replace an article (201 when created). Articles declared in warroom.yaml answer 409: edit the file for those.',
      security,
      params,
      body: articleBody,
    },
  }, async (request, reply) => {
    const b = request.body;
    const now = ctx.clock.now();
    const actor = actorOf(request);
    const result = await withTx(ctx.db, async (tx) => {
      if (b.service_ids.length) {
        const known = new Set((await tx.selectFrom('services').select('id').where('id', 'in', b.service_ids).execute()).map((s) => s.id));
        const index = b.service_ids.findIndex((id) => !known.has(id));
        if (index >= 0) throw new ValidationError(`body.service_ids[${index}]: unknown service "${b.service_ids[index]}"`);
      }
      const saved = await upsertArticle(tx, { id: request.params.id, title: b.title, body: b.body, tags: b.tags, serviceIds: b.service_ids, category: b.category, url: b.url }, { managedBy: 'api', now });
      if (saved.outcome === 'managed_by_config') throw new ConflictError(CONFIG_MANAGED);
      await writeAudit(tx, { at: now, actor: actorLabel(actor), action: `knowledge.${saved.outcome === 'created' ? 'create' : 'update'}`, targetType: 'knowledge_article', targetId: request.params.id, data: { title: b.title }, ip: request.ip });
      return saved;
    });
    return reply.status(result.outcome === 'created' ? 201 : 200).send(toDto(result.article));
  });

  app.delete('/api/v1/knowledge/:id', { preHandler: responder, schema: { tags: ['knowledge'], summary: 'Delete an article made through the API (409 for one declared in warroom.yaml)', security, params } }, async (request, reply) => {
    const actor = actorOf(request);
    await withTx(ctx.db, async (tx) => {
      const outcome = await deleteArticle(tx, request.params.id, { managedBy: 'api' });
      if (outcome === 'not_found') throw new NotFoundError(`no knowledge-base article "${request.params.id}"`);
      if (outcome === 'managed_by_config') throw new ConflictError(CONFIG_MANAGED);
      await writeAudit(tx, { at: ctx.clock.now(), actor: actorLabel(actor), action: 'knowledge.delete', targetType: 'knowledge_article', targetId: request.params.id, ip: request.ip });
    });
    return reply.status(204).send();
  });
}

function summary(a: Omit<KnowledgeArticle, 'body'>) {
  return {
    id: a.id,
    title: a.title,
    url: a.url,
    tags: a.tags,
    service_ids: a.serviceIds,
    category: a.category,
    managed_by: a.managedBy,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

function toDto(a: KnowledgeArticle) {
  return { ...summary(a), body: a.body };
}
