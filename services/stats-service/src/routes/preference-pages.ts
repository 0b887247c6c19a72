import { clients, users } from '@rappel/db';
import { type ChannelPreferences, toWhatsAppE164, verifyLink } from '@rappel/domain';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import { translator } from '../i18n';
import { LANG_COOKIE, pageContext, sendPage } from '../plugins/web';
import { type Owner, preferencesView, savePreferences, unsubscribeEmail } from '../preferences/store';
import { messagePage, unsubscribePage } from '../views/pages';
import { preferencesPage } from '../views/preferences';
import { type RouteDeps, requireViewer } from './context';

type Form = Record<string, unknown>;
const checked = (form: Form, name: string) => form[name] === 'on' || form[name] === 'true';

/** Reads the form; `error` names what the person must fix. */
export function readPreferencesForm(
  form: Form,
  region: CountryCode,
): {
  values: ChannelPreferences & { whatsappNumberInput: string };
  error?: 'whatsappNumberInvalid' | 'whatsappNumberRequired';
} {
  const input = typeof form.whatsappNumber === 'string' ? form.whatsappNumber.trim().slice(0, 40) : '';
  const number = input ? toWhatsAppE164(input, region) : null;
  const values = {
    emailEnabled: checked(form, 'emailEnabled'),
    whatsappEnabled: checked(form, 'whatsappEnabled'),
    whatsappNumber: number,
    whatsappNumberInput: input,
    reminderD2: checked(form, 'reminderD2'),
    reminderD1: checked(form, 'reminderD1'),
    reminderDueDay: checked(form, 'reminderDueDay'),
    reminder2h: checked(form, 'reminder2h'),
  };
  if (input && !number) return { values, error: 'whatsappNumberInvalid' };
  if (values.whatsappEnabled && !number) return { values, error: 'whatsappNumberRequired' };
  return { values };
}

/** The signed-in user's preferences, and a client's through the signed links in messages. */
export async function preferencePages(app: FastifyInstance, deps: RouteDeps) {
  const region = deps.config.PHONE_DEFAULT_REGION;
  const secret = deps.config.LINK_SIGNING_SECRET;

  async function ownerName(owner: Owner): Promise<{ name: string; language: 'fr' | 'en' } | null> {
    const table = owner.type === 'client' ? clients : users;
    const [row] = await deps.db
      .select({ name: table.fullName, language: table.language })
      .from(table)
      .where(eq(table.id, owner.id));
    return row ? { name: row.name, language: row.language } : null;
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    owner: Owner,
    action: string,
    own: boolean,
  ) {
    const who = await ownerName(owner);
    const view = await preferencesView(deps.db, owner);
    const saved = (request.query as { saved?: string }).saved === '1';
    return sendPage(
      reply,
      preferencesPage(pageContext(request, reply), {
        action,
        ownerName: who?.name ?? '',
        ...view,
        saved,
        own,
      }),
    );
  }

  async function save(
    request: FastifyRequest,
    reply: FastifyReply,
    owner: Owner,
    action: string,
    own: boolean,
  ) {
    const form = (request.body ?? {}) as Form;
    const shown = typeof form.whatsappShown === 'string' ? form.whatsappShown : undefined;
    const { values, error } = readPreferencesForm(form, region);
    if (error) {
      const who = await ownerName(owner);
      return sendPage(
        reply,
        preferencesPage(pageContext(request, reply), {
          action,
          ownerName: who?.name ?? '',
          values,
          // Still the state the person last saw: what is saved may have changed since.
          whatsappShown: shown ?? '',
          error: request.t(error),
          own,
        }),
        400,
      );
    }
    const { whatsappNumberInput: _, ...prefs } = values;
    const result = await savePreferences(deps.db, owner, prefs, deps.now(), shown);
    if (!result.saved) {
      request.log.info(
        { recipientType: owner.type, recipientId: owner.id },
        'preferences not saved: WhatsApp changed since the page was shown',
      );
      const who = await ownerName(owner);
      return sendPage(
        reply,
        preferencesPage(pageContext(request, reply), {
          action,
          ownerName: who?.name ?? '',
          ...result.current,
          error: request.t('whatsappChangedSinceShown'),
          own,
        }),
        409,
      );
    }
    request.log.info({ recipientType: owner.type, recipientId: owner.id }, 'preferences saved');
    return reply.redirect(`${action}?saved=1`, 303);
  }

  app.get('/preferences', async (request, reply) => {
    const viewer = requireViewer(request);
    return show(request, reply, { type: 'user', id: viewer.userId }, '/preferences', true);
  });
  app.post('/preferences', { preHandler: app.csrfProtection }, async (request, reply) => {
    const viewer = requireViewer(request);
    return save(request, reply, { type: 'user', id: viewer.userId }, '/preferences', true);
  });

  /** The link's owner, or null after the invalid-link page has been sent. */
  async function linkOwner(request: FastifyRequest, reply: FastifyReply, action: 'prefs' | 'unsubscribe') {
    const { token } = request.params as { token: string };
    const result = verifyLink(token, secret, deps.now());
    const owner: Owner | null =
      result.ok && result.payload.a === action ? { type: result.payload.t, id: result.payload.id } : null;
    const who = owner ? await ownerName(owner) : null;
    if (!owner || !who) {
      await sendPage(reply, messagePage(pageContext(request, reply), 'errorTitle', 'linkInvalid'), 404);
      return null;
    }
    if (!(request.query as { lang?: string }).lang && !request.cookies[LANG_COOKIE]) {
      request.lang = who.language;
      request.t = translator(who.language);
    }
    return { owner, token };
  }

  app.get('/p/:token', async (request, reply) => {
    const link = await linkOwner(request, reply, 'prefs');
    if (link) return show(request, reply, link.owner, `/p/${link.token}`, false);
  });
  app.post('/p/:token', { preHandler: app.csrfProtection }, async (request, reply) => {
    const link = await linkOwner(request, reply, 'prefs');
    if (link) return save(request, reply, link.owner, `/p/${link.token}`, false);
  });

  app.get('/u/:token', async (request, reply) => {
    const link = await linkOwner(request, reply, 'unsubscribe');
    if (!link) return;
    return sendPage(reply, unsubscribePage(pageContext(request, reply), link.token, false, link.owner.type));
  });
  // RFC 8058: a mail client POSTs `List-Unsubscribe=One-Click` with no cookie and no CSRF
  // token; the signed link itself is the authority, and the action only turns e-mail off.
  app.post('/u/:token', async (request, reply) => {
    const link = await linkOwner(request, reply, 'unsubscribe');
    if (!link) return;
    await unsubscribeEmail(deps.db, link.owner, deps.now());
    request.log.info(
      { recipientType: link.owner.type, recipientId: link.owner.id },
      'unsubscribed from e-mail',
    );
    return sendPage(reply, unsubscribePage(pageContext(request, reply), link.token, true, link.owner.type));
  });
}
