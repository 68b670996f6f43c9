import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Telemetry } from '@slakit/core';
import { instrument } from '@slakit/express-middleware';
import { fastifyInstrument } from '@slakit/http/fastify';

@Controller('users')
export class UsersController {
  @Get(':id')
  user(@Param('id') id: string) {
    return { id };
  }
}

@Controller('orders/:orderId')
export class OrdersController {
  @Get('items/:itemId')
  item(@Param('orderId') orderId: string, @Param('itemId') itemId: string) {
    return { orderId, itemId };
  }

  @Get('fail')
  fail(): never {
    throw new RangeError('no such order');
  }
}

@Module({ controllers: [UsersController, OrdersController] })
export class AppModule {}

/** Nest's two HTTP platforms. */
export type Platform = 'express' | 'fastify';

/**
 * The Nest app on `platform`, instrumented by slakit: on Express with `@slakit/express-middleware`'s `instrument()`
 * (Nest registers controller routes on the Express app: their templates, `/users/:id`, are the route labels), on
 * Fastify with `@slakit/http/fastify` (registered before `init()`, so its hooks see every controller route). Both
 * serve the Prometheus scrape on `/metrics` (`metricsEndpoint`).
 */
export async function createApp(platform: Platform, telemetry: Telemetry): Promise<INestApplication> {
  if (platform === 'express') {
    const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
    app.use(instrument({ telemetry, metricsEndpoint: true }));
    return app;
  }
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.register(fastifyInstrument({ telemetry, metricsEndpoint: true }) as never);
  return app;
}
